"""Entry point: run one gateway process."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web

from services.webhook_gateway.app import create_app
from services.webhook_gateway.keys import DRAINING
from shopsync.settings import Settings

log = logging.getLogger(__name__)


def run(settings: Settings) -> None:
    """Serve webhooks until SIGINT/SIGTERM; SO_REUSEPORT lets several processes share a port."""
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    _calm_collector()
    app = create_app(settings)
    if settings.gateway_drain_s > 0:
        app.on_startup.append(_drain_on_sigterm(settings.gateway_drain_s))
    web.run_app(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        reuse_port=True,
        print=None,
        shutdown_timeout=10.0,
        access_log=None,
    )


def _calm_collector() -> None:
    """Request garbage is short-lived: rarer young collections and a frozen start-up heap keep
    collector pauses out of the latency tail."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _drain_on_sigterm(seconds: float) -> Callable[[web.Application], Awaitable[None]]:
    """Replace run_app's SIGTERM handler: not ready at once, stop `seconds` later."""

    async def install(app: web.Application) -> None:
        loop = asyncio.get_running_loop()

        def drain() -> None:
            if app[DRAINING].is_set():
                return
            app[DRAINING].set()
            log.info("SIGTERM: /readyz answers 503; serving %.1f s more, then stopping", seconds)
            loop.call_later(seconds, _stop)

        loop.add_signal_handler(signal.SIGTERM, drain)

    return install


def _stop() -> None:
    raise web.GracefulExit()  # what run_app's own signal handler raises
