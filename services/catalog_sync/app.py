"""The catalog-sync composition root: leader tick timer, tick and change consumers.

A catalog tick runs the connection's download (resumable, incremental) and upload; a local
catalog change (CLI add, import, price edit) starts the upload of the account's shops at once.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import faust
from prometheus_client import CollectorRegistry

from services.catalog_sync.changes import UploadOnChange
from services.catalog_sync.cycle import CatalogCycle, catalog_metrics
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness, survived
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.producer import LazyProducer
from shopsync.adapters.kafka.records import CatalogChanged
from shopsync.adapters.kafka.ticks import SyncKind, wire_ticks
from shopsync.adapters.kafka.topics import CATALOG_CHANGES, DLQ_CATALOG_SYNC
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings

APP_ID = "shopsync-catalog-sync"
KIND: SyncKind = "catalog"
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    registry = registry or CollectorRegistry()
    app = create_faust_app(APP_ID, settings, settings.catalog_sync_port)
    sessions = session_factory(create_engine(settings.resolved_database_url))
    metrics = catalog_metrics(registry)
    cipher = CredentialCipher(load_or_create_key(settings))
    cycles: list[CatalogCycle] = []

    def cycle_for() -> CatalogCycle:
        # The HTTP session must be born inside the worker's running event loop.
        if not cycles:
            http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
            cycles.append(CatalogCycle(sessions, cipher, http, metrics))
        return cycles[0]

    async def run_cycle(connection_id: int) -> str:
        return await cycle_for().run(connection_id)

    readiness = service_readiness(sessions, settings.bootstrap_servers)
    producer = LazyProducer(settings.bootstrap_servers)
    ticks = wire_ticks(
        app,
        APP_ID,
        KIND,
        DLQ_CATALOG_SYNC,
        sessions,
        producer.send,
        settings.sync_tick_interval_s,
        settings.sync_concurrency,
        registry,
        run_cycle,
        readiness,
    )
    changes = RecordReader(APP_ID, CatalogChanged, ticks.dead_letters)
    uploads = UploadOnChange(sessions, ticks.runner)

    @app.agent(raw_topic(app, CATALOG_CHANGES), name="catalog-changes", concurrency=1)
    async def on_change(stream: Any) -> None:
        async for event in stream.events():
            ticks.counters.changes.inc()
            change = await changes.read(event)
            if change is not None:
                uploads.heard(change)

    @app.timer(2.0)
    async def upload_changes() -> None:
        await survived(readiness, "upload on change", uploads.start_due())

    @app.on_before_shutdown.connect
    async def close_http(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        for cycle in cycles:
            await cycle.close()
        producer.close()

    add_service_pages(app, registry, readiness)
    return app
