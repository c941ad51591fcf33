"""The stock-sync composition root: leader tick timer, tick and change consumers.

Stock movements are coalesced per SKU and pushed every second to uploading shops; ticks
reconcile (upload) or download into the chosen warehouse.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.stock_sync.metrics import stock_metrics
from services.stock_sync.worker import StockWorker
from shopsync.adapters.health import service_readiness, survived
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.records import StockMoved
from shopsync.adapters.kafka.ticks import SyncKind, wire_ticks
from shopsync.adapters.kafka.topics import DLQ_STOCK_SYNC, STOCK_MOVEMENTS
from shopsync.adapters.resources import WorkerResources
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings

APP_ID = "shopsync-stock-sync"
KIND: SyncKind = "stock"
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    app = create_faust_app(APP_ID, settings, settings.stock_sync_port)
    resources = WorkerResources(settings, registry)
    app.add_dependency(resources)  # first child: started before the agents, stopped after
    sessions, registry = resources.sessions, resources.registry
    worker = StockWorker(
        sessions,
        CredentialCipher(load_or_create_key(settings)),
        stock_metrics(registry),
        lambda: resources.http,
    )
    readiness = service_readiness(sessions, settings.bootstrap_servers)
    ticks = wire_ticks(
        app,
        APP_ID,
        KIND,
        DLQ_STOCK_SYNC,
        sessions,
        resources.producer.send,
        settings.sync_tick_interval_s,
        settings.sync_concurrency,
        registry,
        worker.on_tick,
        readiness,
    )
    movements = RecordReader(APP_ID, StockMoved, ticks.dead_letters)

    @app.agent(raw_topic(app, STOCK_MOVEMENTS), name="stock-changes", concurrency=1)
    async def on_change(stream: Any) -> None:
        async for event in stream.events():
            ticks.counters.changes.inc()
            movement = await movements.read(event)
            if movement is not None:
                await worker.on_movement(movement)

    @app.timer(1.0)
    async def flush_owed_stock() -> None:
        # Movements of the last second, coalesced per SKU, go out as one batch per shop.
        await survived(readiness, "stock push", worker.flush())

    add_service_pages(app, registry, readiness)
    return app
