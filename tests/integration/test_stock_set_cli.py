"""`shopsync stock set SKU WAREHOUSE QTY`: a manual movement, synced like any other."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Account, OutboxMessage, Product, StockMovement, Warehouse
from shopsync.entrypoints.cli.main import cli

pytestmark = pytest.mark.integration


def test_stock_set_records_a_manual_movement_and_an_outbox_event(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}"
    env = {
        "DATABASE_URL": url,
        "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "SHOPSYNC_VAR_DIR": str(tmp_path),
    }

    async def prepare() -> None:
        await upgrade(url)
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            account = Account(name="default", settings={})
            session.add(account)
            await session.flush()
            session.add_all(
                [
                    Product(account_id=account.id, sku="TEA-1", name="Tea"),
                    Warehouse(account_id=account.id, name="Fő"),
                ]
            )
            await session.commit()
        await engine.dispose()

    async def recorded() -> tuple[list[tuple[str, Decimal]], list[str]]:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            moves = (
                await session.execute(select(StockMovement.reason, StockMovement.quantity))
            ).all()
            outbox = (await session.execute(select(OutboxMessage.payload))).scalars().all()
        await engine.dispose()
        return [(r, q) for r, q in moves], list(outbox)

    asyncio.run(prepare())
    runner = CliRunner()
    first = runner.invoke(cli, ["stock", "set", "TEA-1", "Fő", "12"], env=env)
    second = runner.invoke(cli, ["stock", "set", "TEA-1", "Fő", "10"], env=env)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "(-2)" in second.output
    moves, outbox = asyncio.run(recorded())
    assert moves == [("manual", Decimal(12)), ("manual", Decimal(-2))]
    assert [Decimal(json.loads(p)["quantity"]) for p in outbox] == [Decimal(12), Decimal(-2)]
    missing = runner.invoke(cli, ["stock", "set", "NOPE", "Fő", "1"], env=env)
    assert missing.exit_code != 0 and "no product with SKU 'NOPE'" in missing.output
