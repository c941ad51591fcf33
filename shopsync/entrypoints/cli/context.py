"""What CLI commands share: settings, a migrated database session, errors as one line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.request_pacing import shared_pacers
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.adapters.shoprenter.ratelimit import PROCESS_LIMITERS
from shopsync.settings import Settings

T = TypeVar("T")


def settings() -> Settings:
    return Settings()


def cipher(current: Settings) -> CredentialCipher:
    return CredentialCipher(load_or_create_key(current))


async def migrated(current: Settings) -> str:
    """The database URL, its schema brought to the latest migration (SQLite's directory made)."""
    url = current.resolved_database_url
    if url.startswith("sqlite"):
        current.var_dir.mkdir(parents=True, exist_ok=True)
    await upgrade(url)
    return url


@asynccontextmanager
async def sessions_of(current: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database brought up to the latest migration."""
    engine = create_engine(await migrated(current))
    PROCESS_LIMITERS.share_through(shared_pacers(engine))  # a shop's budget, with the services
    try:
        yield session_factory(engine)
    finally:
        PROCESS_LIMITERS.share_through(None)
        await engine.dispose()


@asynccontextmanager
async def database(current: Settings) -> AsyncIterator[AsyncSession]:
    """A session on a database brought up to the latest migration."""
    async with sessions_of(current) as sessions, sessions() as session:
        yield session


@asynccontextmanager
async def unit_of_work(current: Settings) -> AsyncIterator[SqlAlchemyUnitOfWork]:
    """A unit of work on a migrated database; commit inside, or it rolls back."""
    await upgrade(current.resolved_database_url)
    engine = create_engine(current.resolved_database_url)
    try:
        async with SqlAlchemyUnitOfWork(session_factory(engine)) as uow:
            yield uow
    finally:
        await engine.dispose()


def run(coroutine_fn: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await coroutine_fn()

    return asyncio.run(main())


def run_explained(coroutine_fn: Callable[[], Awaitable[T]], *explained: type[Exception]) -> T:
    """Run; an error of the listed kinds becomes a one-line CLI error (exit 1), no traceback."""
    try:
        return run(coroutine_fn)
    except explained as exc:
        raise click.ClickException(str(exc)) from exc


def query(read: Callable[[AsyncSession], Awaitable[T]], *explained: type[Exception]) -> T:
    """`read` on a session of the migrated database; the listed errors become one-line errors."""
    current = settings()

    async def go() -> T:
        async with database(current) as session:
            return await read(session)

    return run_explained(go, *explained)


def committed(write: Callable[[AsyncSession], Awaitable[T]], *explained: type[Exception]) -> T:
    """`write` on a session of the migrated database, then a commit; as `query` for errors."""

    async def write_and_commit(session: AsyncSession) -> T:
        result = await write(session)
        await session.commit()
        return result

    return query(write_and_commit, *explained)


def in_unit_of_work(
    work: Callable[[SqlAlchemyUnitOfWork], Awaitable[T]], *explained: type[Exception]
) -> T:
    """`work` in a unit of work that commits after it; as `query` for errors."""
    current = settings()

    async def go() -> T:
        async with unit_of_work(current) as uow:
            result = await work(uow)
            await uow.commit()
            return result

    return run_explained(go, *explained)
