"""The outbox relay: its own process, so relaying never takes the order processor's loop.

It sends committed outbox rows (documents issued, stock movements) to Kafka, oldest first, and
marks them sent once the broker acknowledged. After a burst the outbox holds tens of thousands
of events; relayed inside the processor, they delayed new orders (webhook→document p99 1.1-1.5 s
against 0.66 s without). Rows are claimed with SKIP LOCKED on PostgreSQL, so a second relay
would share the work instead of doubling it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)

from shopsync.db.engine import create_engine, session_factory
from shopsync.kafka.producer import LazyProducer
from shopsync.outbox import OutboxRelay
from shopsync.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event, idle_s: float = 0.05) -> None:
    """Relay until stop is set; /metrics, /healthz, /readyz alongside."""
    registry = CollectorRegistry()
    relayed = Counter(
        "shopsync_outbox_relayed_total", "Outbox messages relayed to Kafka", registry=registry
    )
    failures = Counter(
        "shopsync_outbox_relay_failures_total",
        "Relay rounds that failed (database or broker away)",
        registry=registry,
    )
    backlog = Gauge("shopsync_outbox_unsent", "Outbox messages not yet relayed", registry=registry)
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    relay = OutboxRelay(sessions, LazyProducer(settings.bootstrap_servers).send_many)
    runner = web.AppRunner(_status_app(registry), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.service_bind_host, settings.outbox_relay_port).start()
    failed_in_a_row = 0
    try:
        while not stop.is_set():
            try:
                sent = await relay.relay_pending()
                backlog.set(await relay.unsent())
                failed_in_a_row = 0
            except Exception as exc:  # the database or the broker away: wait, go on
                failed_in_a_row += 1
                failures.inc()
                log.warning("outbox relay round failed (%d in a row): %r", failed_in_a_row, exc)
                sent = 0
            relayed.inc(sent)
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), min(idle_s * 2**failed_in_a_row, 5.0))
    finally:
        await runner.cleanup()
        await engine.dispose()


def _status_app(registry: CollectorRegistry) -> web.Application:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", ok)
    app.router.add_get("/readyz", ok)
    return app


def run(settings: Settings) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(main())
