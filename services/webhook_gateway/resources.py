"""What the gateway opens when it starts and closes when it stops (aiohttp cleanup_ctx): the
database with its connection directory, and the event publisher.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from services.webhook_gateway.connections import ConnectionDirectory
from services.webhook_gateway.keys import DIRECTORY, PUBLISHER, READINESS, SESSIONS
from services.webhook_gateway.publisher import EventPublisher
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness
from shopsync.settings import Settings

PublisherFactory = Callable[[Settings], EventPublisher]
CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def database(settings: Settings) -> CleanupContext:
    """The engine, the connection directory (kept fresh by its watcher), readiness, sessions."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url)
        sessions = session_factory(engine)
        directory = ConnectionDirectory(sessions, settings.connection_cache_ttl_s)
        app[DIRECTORY] = directory
        app[READINESS] = service_readiness(sessions)
        app[SESSIONS] = sessions  # document PDFs read their document (not the webhook path)
        watcher = asyncio.create_task(directory.watch())
        yield
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await engine.dispose()

    return context


def publisher(settings: Settings, factory: PublisherFactory) -> CleanupContext:
    """The started publisher; on stop, what was accepted is flushed."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        publisher = factory(settings)
        await publisher.start()
        app[PUBLISHER] = publisher
        yield
        # Graceful stop: the server no longer accepts; flush what was accepted.
        await publisher.close()

    return context
