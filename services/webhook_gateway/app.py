"""The gateway's app factory: no I/O here; the producer and database open in cleanup_ctx."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CollectorRegistry

from services.webhook_gateway import documents, resources
from services.webhook_gateway.keys import DRAINING, METRICS, REGISTRY, SETTINGS
from services.webhook_gateway.metrics import gateway_metrics
from services.webhook_gateway.publisher import EventPublisher, KafkaEventPublisher
from services.webhook_gateway.resources import PublisherFactory
from services.webhook_gateway.routes import add_routes
from shopsync.settings import Settings

__all__ = ["PublisherFactory", "create_app", "kafka_publisher"]


def kafka_publisher(settings: Settings) -> EventPublisher:
    # The producer gives up before the gateway's own answer budget runs out.
    timeout_ms = max(500, int(settings.gateway_ack_timeout_s * 1000) - 500)
    return KafkaEventPublisher(settings.bootstrap_servers, timeout_ms)


def create_app(
    settings: Settings,
    registry: CollectorRegistry | None = None,
    publisher_factory: PublisherFactory = kafka_publisher,
) -> web.Application:
    """Build the gateway application; resources open when it starts."""
    app = web.Application(client_max_size=settings.webhook_max_body_bytes + 1)
    app[SETTINGS] = settings
    app[REGISTRY] = registry or CollectorRegistry()
    app[METRICS] = gateway_metrics(app[REGISTRY])
    app[DRAINING] = asyncio.Event()
    app.cleanup_ctx.append(resources.database(settings))
    app.cleanup_ctx.append(resources.publisher(settings, publisher_factory))
    app.cleanup_ctx.append(documents.link_key_context(settings))
    add_routes(app)
    app.on_response_prepare.append(_no_version_banner)
    return app


async def _no_version_banner(request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp would announce "Python/3.11 aiohttp/<version>": nothing to give away.
    response.headers["Server"] = "ShopSync"
