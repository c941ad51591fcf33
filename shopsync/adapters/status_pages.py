"""What the plain-asyncio background processes (mailer, outbox relay) share: their status pages
(/metrics, /healthz, /readyz) and running until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry

from shopsync.adapters.health import Readiness
from shopsync.adapters.service_pages import (
    aiohttp_response,
    health_answer,
    metrics_answer,
    readiness_answer,
)
from shopsync.settings import Settings


async def start_status_pages(
    registry: CollectorRegistry, settings: Settings, port: int, readiness: Readiness
) -> web.AppRunner:
    """Serve the registry and the health pages on `port`; the caller cleans the runner up."""
    runner = web.AppRunner(_status_app(registry, readiness), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.service_bind_host, port).start()
    return runner


def _status_app(registry: CollectorRegistry, readiness: Readiness) -> web.Application:
    async def metrics(request: web.Request) -> web.Response:
        return aiohttp_response(metrics_answer(registry))

    async def ok(request: web.Request) -> web.Response:
        return aiohttp_response(health_answer())

    async def ready(request: web.Request) -> web.Response:
        return aiohttp_response(readiness_answer(await readiness.problems()))

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", ok)
    app.router.add_get("/readyz", ready)
    return app


def run_until_signalled(
    serve: Callable[[Settings, asyncio.Event], Awaitable[None]], settings: Settings
) -> None:
    """Run `serve(settings, stop)`; SIGINT or SIGTERM sets `stop`."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(main())
