"""What the console opens when it starts and closes when it stops: the database and cipher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from services.console.keys import CIPHER, READINESS, SESSIONS
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def database(settings: Settings) -> CleanupContext:
    """The engine, its sessions, readiness and the credential cipher."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url)
        app[SESSIONS] = session_factory(engine)
        app[READINESS] = service_readiness(app[SESSIONS])
        app[CIPHER] = CredentialCipher(load_or_create_key(settings))
        yield
        await engine.dispose()

    return context
