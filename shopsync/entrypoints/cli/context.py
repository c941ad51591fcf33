"""What CLI commands share: settings, a migrated database session, JSON output, errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.settings import Settings

T = TypeVar("T")


def settings() -> Settings:
    return Settings()


def cipher(current: Settings) -> CredentialCipher:
    return CredentialCipher(load_or_create_key(current))


@asynccontextmanager
async def sessions_of(current: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database brought up to the latest migration."""
    url = current.resolved_database_url
    if url.startswith("sqlite"):
        current.var_dir.mkdir(parents=True, exist_ok=True)
    await upgrade(url)
    engine = create_engine(url)
    try:
        yield session_factory(engine)
    finally:
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


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def emit_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


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
