"""Alembic migrations run up and down on PostgreSQL and SQLite alike."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from shopsync.db.base import Base
from shopsync.db.engine import create_engine
from shopsync.db.migrate import downgrade, upgrade
from tests.support import create_pg_database, drop_pg_database

pytestmark = pytest.mark.integration


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def _round_trip(url: str) -> None:
    await upgrade(url)
    assert await _tables(url) == set(Base.metadata.tables)
    await downgrade(url, "base")
    assert await _tables(url) == set()
    await upgrade(url)
    assert await _tables(url) == set(Base.metadata.tables)


async def test_migrations_go_up_down_and_up_again_on_postgresql() -> None:
    name, url = await create_pg_database()
    try:
        await _round_trip(url)
    finally:
        await drop_pg_database(name)


async def test_migrations_go_up_down_and_up_again_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    await _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_models_and_migrations_agree(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Autogenerate finds nothing to add: the migration matches the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = f"sqlite+aiosqlite:///{tmp_path / 'cmp.db'}"
    await upgrade(url)
    engine = create_engine(url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert diff == []
