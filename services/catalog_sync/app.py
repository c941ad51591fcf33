"""The catalog-sync composition root: leader tick timer, tick and change consumers.

A catalog tick runs the connection's download (resumable, incremental) and upload; a local
catalog change (CLI add, import, price edit) starts the upload of the account's shops at once.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.catalog_sync.changes import UploadOnChange
from services.catalog_sync.cycle import CatalogCycle
from services.catalog_sync.metrics import catalog_metrics
from shopsync.adapters.health import service_readiness, survived
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.records import CatalogChanged
from shopsync.adapters.kafka.ticks import SyncKind, wire_ticks
from shopsync.adapters.kafka.topics import CATALOG_CHANGES, DLQ_CATALOG_SYNC
from shopsync.adapters.resources import WorkerResources
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings

APP_ID = "shopsync-catalog-sync"
KIND: SyncKind = "catalog"
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    app = create_faust_app(APP_ID, settings, settings.catalog_sync_port)
    resources = WorkerResources(settings, registry)
    app.add_dependency(resources)  # first child: started before the agents, stopped after
    sessions, registry = resources.sessions, resources.registry
    cipher = CredentialCipher(load_or_create_key(settings))
    cycle = CatalogCycle(sessions, cipher, lambda: resources.http, catalog_metrics(registry))
    readiness = service_readiness(sessions, settings.bootstrap_servers)
    ticks = wire_ticks(
        app,
        APP_ID,
        KIND,
        DLQ_CATALOG_SYNC,
        sessions,
        resources.producer.send,
        settings.sync_tick_interval_s,
        settings.sync_concurrency,
        registry,
        cycle.run,
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

    add_service_pages(app, registry, readiness)
    return app
