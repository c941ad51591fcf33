"""Entry point: run one gateway process."""

from __future__ import annotations

import gc
import logging

from aiohttp import web

from services.webhook_gateway.app import create_app
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    """Serve webhooks until SIGINT/SIGTERM; SO_REUSEPORT lets several processes share a port."""
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # Request garbage is short-lived: rarer young collections and a frozen start-up heap keep
    # collector pauses out of the latency tail.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    web.run_app(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        reuse_port=True,
        print=None,
        shutdown_timeout=10.0,
        access_log=None,
    )
