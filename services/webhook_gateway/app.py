"""The gateway's app factory: no I/O here; the producer and database open in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry

from services.webhook_gateway import handlers
from services.webhook_gateway.connections import ConnectionDirectory
from services.webhook_gateway.keys import (
    DIRECTORY,
    DRAINING,
    METRICS,
    PUBLISHER,
    READINESS,
    REGISTRY,
    SETTINGS,
)
from services.webhook_gateway.metrics import gateway_metrics
from services.webhook_gateway.publisher import EventPublisher, KafkaEventPublisher
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness
from shopsync.settings import Settings

PublisherFactory = Callable[[Settings], EventPublisher]


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
    app.cleanup_ctx.append(_database(settings))
    app.cleanup_ctx.append(_publisher(settings, publisher_factory))
    app.router.add_post("/webhooks/shoprenter/{connection}/{token}", handlers.receive_webhook)
    app.router.add_get("/healthz", handlers.healthz)
    app.router.add_get("/readyz", handlers.readyz)
    app.router.add_get("/metrics", handlers.metrics_page)
    app.on_response_prepare.append(_no_version_banner)
    return app


async def _no_version_banner(request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp would announce "Python/3.11 aiohttp/<version>": nothing to give away.
    response.headers["Server"] = "ShopSync"


def _database(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url)
        sessions = session_factory(engine)
        directory = ConnectionDirectory(sessions, settings.connection_cache_ttl_s)
        app[DIRECTORY] = directory
        app[READINESS] = service_readiness(sessions)
        watcher = asyncio.create_task(directory.watch())
        yield
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await engine.dispose()

    return context


def _publisher(
    settings: Settings, factory: PublisherFactory
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        publisher = factory(settings)
        await publisher.start()
        app[PUBLISHER] = publisher
        yield
        # Graceful stop: the server no longer accepts; flush what was accepted.
        await publisher.close()

    return context
