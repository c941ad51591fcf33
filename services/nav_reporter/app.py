"""The nav-reporter composition root: the documents-issued consumer and the reporting rounds.

Its own consumer group (app id shopsync-nav-reporter), so the write-back's reading of the
same topic is untouched. Each final invoice and storno heard of is kept as a pending report
before its event is acknowledged; the rounds (every ROUND_S) send and follow them by account.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.nav_reporter.metrics import NavMetrics
from services.nav_reporter.rounds import ReportingRounds
from services.nav_reporter.sources import ExportedInvoices, NavClients
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.nav_leases import SqlAlchemyNavLeases
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.health import survived
from shopsync.adapters.kafka import worker_app as workers
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import raw_topic
from shopsync.adapters.kafka.records import DocumentIssued
from shopsync.adapters.kafka.topics import DLQ_NAV_REPORTER, DOCUMENTS_ISSUED
from shopsync.adapters.metric_set import build
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.domain.nav_report_rules import Timing
from shopsync.service_layer.nav_reporter import IssuedDocument, NavReporter
from shopsync.settings import Settings

APP_ID = "shopsync-nav-reporter"
ROUND_S = 0.5
COUNT_S = 2.0
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the consumer (concurrency=1) and the two timers: rounds, and the gauges."""
    worker = workers.worker_app(APP_ID, settings, settings.nav_reporter_port, registry)
    metrics = build(NavMetrics, worker.registry)
    store = SqlAlchemyNavReportStore(worker.sessions)
    invoices = ExportedInvoices(worker.sessions)
    reporter = NavReporter(
        store, invoices, timing_of(settings), check_concurrency=settings.nav_check_concurrency
    )
    _consume_issued(worker, reporter, metrics)
    _run_rounds(worker, _rounds(worker, settings, reporter, store, metrics))
    return worker.with_service_pages()


def timing_of(settings: Settings) -> Timing:
    """NAV's settling, the polls' pauses, and the longest a request may take (NAV_TIMEOUT_S)."""
    return Timing(
        settings.nav_settle_s,
        settings.nav_poll_first_s,
        settings.nav_poll_cap_s,
        settings.nav_timeout_s,
    )


def _rounds(
    worker: workers.WorkerApp,
    settings: Settings,
    reporter: NavReporter,
    store: SqlAlchemyNavReportStore,
    metrics: NavMetrics,
) -> ReportingRounds:
    cipher = CredentialCipher(load_or_create_key(settings))
    clients = NavClients(settings, cipher, lambda: worker.resources.http)
    leases = SqlAlchemyNavLeases(worker.sessions, lease_holder(), settings.nav_lease_s)
    return ReportingRounds(
        worker.sessions, reporter, store, clients, metrics, settings.nav_sweep_s, leases
    )


def lease_holder() -> str:
    """This reporter among several: host, process and a random part (a pid comes back)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def _consume_issued(worker: workers.WorkerApp, reporter: NavReporter, metrics: NavMetrics) -> None:
    """Each readable event kept as a report (waiting out database outages) before the next."""
    send = worker.resources.producer.send
    sink = DeadLetterSink(worker.sessions, send, DLQ_NAV_REPORTER, metrics.dead_letters)
    reader = RecordReader(APP_ID, DocumentIssued, sink)

    @worker.app.agent(raw_topic(worker.app, DOCUMENTS_ISSUED), name="nav-issued", concurrency=1)
    async def on_issued(stream: Any) -> None:
        async for event in stream.events():
            issued = await reader.read(event)
            if issued is not None and await _kept(reporter, _document(issued)):
                metrics.recorded.labels(source="event").inc()


async def _kept(reporter: NavReporter, document: IssuedDocument) -> bool:
    """Keep the report, trying again while the database is away (never skipped)."""
    pause = 0.2
    while True:
        try:
            return await reporter.issued(document)
        except Exception as exc:
            log.warning("report of document %d waits: %r", document.document_id, exc)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)


def _document(event: DocumentIssued) -> IssuedDocument:
    return IssuedDocument(
        event.document_id,
        event.account_id,
        event.kind,
        event.draft,
        event.document_number,
        event.issued_at,
    )


def _run_rounds(worker: workers.WorkerApp, rounds: ReportingRounds) -> None:
    @worker.app.timer(ROUND_S)
    async def report() -> None:
        await survived(worker.readiness, "nav reporting round", rounds.round())

    @worker.app.timer(COUNT_S)
    async def count() -> None:
        await survived(worker.readiness, "nav report counts", rounds.count())
