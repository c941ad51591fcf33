"""The gateway's health, readiness and metrics pages."""

from __future__ import annotations

from aiohttp import web

from services.webhook_gateway.keys import DRAINING, METRICS, PUBLISHER, READINESS, REGISTRY
from shopsync.adapters.service_pages import (
    aiohttp_response,
    health_answer,
    metrics_answer,
    readiness_answer,
)


async def healthz(request: web.Request) -> web.Response:
    return aiohttp_response(health_answer())


async def readyz(request: web.Request) -> web.Response:
    """Ready only while the broker answers and no stop is under way: a load balancer then
    sends traffic elsewhere."""
    if request.app[DRAINING].is_set():
        return aiohttp_response(readiness_answer({}, "draining"))
    publisher = request.app[PUBLISHER]
    request.app[METRICS].broker_up.set(1 if publisher.is_reachable() else 0)
    problems = await request.app[READINESS].problems()
    if not publisher.is_reachable():
        problems["broker"] = "unreachable"
    return aiohttp_response(readiness_answer(problems))


async def metrics_page(request: web.Request) -> web.Response:
    app = request.app
    app[METRICS].queue_depth.set(app[PUBLISHER].queue_depth())
    app[METRICS].broker_up.set(1 if app[PUBLISHER].is_reachable() else 0)
    return aiohttp_response(metrics_answer(app[REGISTRY]))
