"""What the order processor's side processes (outbox relay, document mailer) share: database
sessions, status pages served while they run, and a stoppable pause between rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness
from shopsync.adapters.status_pages import start_status_pages
from shopsync.settings import Settings


@contextlib.asynccontextmanager
async def served(
    settings: Settings, registry: CollectorRegistry, port: int, bootstrap: str | None = None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Database sessions, with /metrics, /healthz and /readyz on `port` until the block ends."""
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    readiness = service_readiness(sessions, bootstrap)
    runner = await start_status_pages(registry, settings, port, readiness)
    try:
        yield sessions
    finally:
        await runner.cleanup()
        await engine.dispose()


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less once `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
