"""The stock-sync composition root: leader tick timer, tick and change consumers.

Stock movements are coalesced per SKU and pushed every second to uploading shops; ticks
reconcile (upload) or download into the chosen warehouse.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.stock_sync.worker import StockWorker, stock_metrics
from shopsync.db.engine import create_engine, session_factory
from shopsync.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.kafka.topics import DLQ_STOCK_SYNC, STOCK_MOVEMENTS, SYNC_TICKS
from shopsync.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings
from shopsync.sync_service import SyncKind, TickPublisher, TickReader, tick_counters

APP_ID = "shopsync-stock-sync"
KIND: SyncKind = "stock"
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    registry = registry or CollectorRegistry()
    app = create_faust_app(APP_ID, settings, settings.stock_sync_port)
    sessions = session_factory(create_engine(settings.resolved_database_url))
    counters = tick_counters(KIND, registry)

    async def send(topic: str, key: bytes, value: bytes) -> None:
        await app.producer.send_and_wait(topic, key, value, None, None, None)

    ticks = TickPublisher(KIND, sessions, send, settings.sync_tick_interval_s)

    reader = TickReader(APP_ID, DLQ_STOCK_SYNC, send, counters.dead_letters)
    worker = StockWorker(
        sessions, CredentialCipher(load_or_create_key(settings)), stock_metrics(registry)
    )

    @app.timer(1.0, on_leader=True)
    async def publish_ticks() -> None:
        counters.published.inc(await ticks.publish_due())

    @app.agent(raw_topic(app, SYNC_TICKS), name="stock-ticks", concurrency=1)
    async def on_tick(stream: Any) -> None:
        async for event in stream.events():
            tick = await reader.read(event)
            if tick is None:
                continue
            if tick.kind == KIND:
                counters.received.inc()
                await worker.on_tick(tick.connection_id)

    @app.agent(raw_topic(app, STOCK_MOVEMENTS), name="stock-changes", concurrency=1)
    async def on_change(stream: Any) -> None:
        async for value in stream:
            counters.changes.inc()
            await worker.on_movement(value)

    @app.timer(1.0)
    async def flush_owed_stock() -> None:
        # Movements of the last second, coalesced per SKU, go out as one batch per shop.
        await worker.flush()

    @app.on_before_shutdown.connect
    async def close_http(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        await worker.close()

    add_service_pages(app, registry)
    return app
