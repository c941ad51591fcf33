"""The catalog-sync composition root: leader tick timer, tick and change consumers.

A catalog tick runs the connection's download (resumable, incremental); upload of local
changes is not built yet (issue 6): change events are received and counted.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import faust
from prometheus_client import CollectorRegistry, Counter

from services.catalog_sync.cycle import CatalogCycle, catalog_metrics
from shopsync.db.engine import create_engine, session_factory
from shopsync.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.kafka.topics import CATALOG_CHANGES, DLQ_CATALOG_SYNC, SYNC_TICKS
from shopsync.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings
from shopsync.sync_service import SyncKind, TickPublisher, TickReader, tick_counters

APP_ID = "shopsync-catalog-sync"
KIND: SyncKind = "catalog"
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    registry = registry or CollectorRegistry()
    app = create_faust_app(APP_ID, settings, settings.catalog_sync_port)
    sessions = session_factory(create_engine(settings.resolved_database_url))
    counters = tick_counters(KIND, registry)
    ticks_skipped = Counter(
        "shopsync_catalog_ticks_skipped_total",
        "Ticks dropped because the shop's previous cycle was still running",
        registry=registry,
    )

    async def send(topic: str, key: bytes, value: bytes) -> None:
        await app.producer.send_and_wait(topic, key, value, None, None, None)

    ticks = TickPublisher(KIND, sessions, send, settings.sync_tick_interval_s)
    metrics = catalog_metrics(registry)
    cipher = CredentialCipher(load_or_create_key(settings))
    cycles: list[CatalogCycle] = []

    running: dict[int, asyncio.Task[str]] = {}
    slots = asyncio.Semaphore(settings.catalog_concurrency)

    async def run_cycle(connection_id: int) -> str:
        async with slots:
            return await cycle_for().run(connection_id)

    def start_cycle(connection_id: int) -> None:
        # Shops are paced one by one (3 requests/s each): their cycles run side by side.
        # Ticks are periodic and the download resumable, so a tick lost in a crash only delays
        # that shop by one interval; two cycles of one shop never overlap.
        current = running.get(connection_id)
        if current is not None and not current.done():
            ticks_skipped.inc()
            return
        running[connection_id] = asyncio.create_task(run_cycle(connection_id))

    def cycle_for() -> CatalogCycle:
        # The HTTP session must be born inside the worker's running event loop.
        if not cycles:
            http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
            cycles.append(CatalogCycle(sessions, cipher, http, metrics))
        return cycles[0]

    reader = TickReader(APP_ID, DLQ_CATALOG_SYNC, send, counters.dead_letters)

    @app.timer(1.0, on_leader=True)
    async def publish_ticks() -> None:
        counters.published.inc(await ticks.publish_due())

    @app.agent(raw_topic(app, SYNC_TICKS), name="catalog-ticks", concurrency=1)
    async def on_tick(stream: Any) -> None:
        async for event in stream.events():
            tick = await reader.read(event)
            if tick is None:
                continue
            if tick.kind == KIND:
                counters.received.inc()
                start_cycle(tick.connection_id)

    @app.agent(raw_topic(app, CATALOG_CHANGES), name="catalog-changes", concurrency=1)
    async def on_change(stream: Any) -> None:
        async for _value in stream:
            counters.changes.inc()

    @app.on_before_shutdown.connect
    async def close_http(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        for cycle in cycles:
            await cycle.close()

    add_service_pages(app, registry)
    return app
