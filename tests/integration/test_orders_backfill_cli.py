"""`shopsync orders backfill CONNECTION --since DATE`: reconciliation reads from then again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.reconcile_marks import stored_mark
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.order_reconciling import ReconcileMark
from shopsync.entrypoints.cli.main import cli
from tests.support import shop_connection

pytestmark = pytest.mark.integration


def run_cli(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env=env)


async def connected(url: str, key: str) -> int:
    await upgrade(url)
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        connection = await shop_connection(session, CredentialCipher(key.encode()), "default")
        await session.commit()
        connection_id = connection.id
    await engine.dispose()
    return connection_id


async def reconcile_state(url: str, connection_id: int) -> tuple[Any, ReconcileMark | None]:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        connection = await session.get(ShopConnection, connection_id)
        assert connection is not None
        found = connection.orders_reconcile_from, await stored_mark(session, connection_id)
    await engine.dispose()
    return found


def test_backfill_sets_the_mark_back_to_the_shops_local_day(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    key = Fernet.generate_key().decode()
    env = {"DATABASE_URL": url, "SHOPSYNC_SECRET_KEY": key, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    before = datetime.now(UTC)
    connection_id = asyncio.run(connected(url, key))
    since, mark = asyncio.run(reconcile_state(url, connection_id))
    assert mark is None and since >= before  # intake switched on: reconciled from then

    result = run_cli(env, "orders", "backfill", "s", "--since", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "reconciled by the next poll" in result.output
    start = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # midnight in Budapest
    assert asyncio.run(reconcile_state(url, connection_id)) == (start, ReconcileMark(start))

    bad = run_cli(env, "orders", "backfill", "s", "--since", "March")
    assert bad.exit_code == 2 and "is not a day or a time" in bad.output
    unknown = run_cli(env, "orders", "backfill", "nope", "--since", "2026-03-01")
    assert unknown.exit_code == 1 and "no connection named 'nope'" in unknown.output
