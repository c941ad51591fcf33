"""Run Alembic migrations from code (used by `shopsync migrate` and `shopsync up`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from shopsync.adapters.db.engine import create_engine

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at url up to revision."""
    await _migrate(url, command.upgrade, revision)


async def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at url down to revision."""
    await _migrate(url, command.downgrade, revision)


async def _migrate(url: str, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config(url)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        with _foreign_keys_checked_after(connection):
            step(config, revision)

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


@contextmanager
def _foreign_keys_checked_after(connection: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while tables are rebuilt, checked once at the end.

    Alembic's batch mode rebuilds a SQLite table by copy, drop and rename; with foreign keys
    enforced, dropping a table that other rows point at fails. The pragma only counts before
    the transaction's first write, hence first; the engine is disposed after the migration.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    yield
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")


def upgrade_sync(url: str) -> None:
    asyncio.run(upgrade(url))
