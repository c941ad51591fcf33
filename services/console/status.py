"""The console's health, readiness and metrics pages (open: what Prometheus scrapes)."""

from __future__ import annotations

from aiohttp import web

from services.console.keys import READINESS, REGISTRY
from shopsync.adapters.service_pages import (
    aiohttp_response,
    health_answer,
    metrics_answer,
    readiness_answer,
)


async def healthz(request: web.Request) -> web.Response:
    return aiohttp_response(health_answer())


async def readyz(request: web.Request) -> web.Response:
    """Ready while the database answers."""
    return aiohttp_response(readiness_answer(await request.app[READINESS].problems()))


async def metrics_page(request: web.Request) -> web.Response:
    return aiohttp_response(metrics_answer(request.app[REGISTRY]))
