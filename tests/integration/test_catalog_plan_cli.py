"""`shopsync catalog plan NAME`: the dry run lists what would happen and writes nothing."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Product, ProductGroup, ProductLink
from shopsync.adapters.secrets import CredentialCipher
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.shops import add_connection, apply_settings

pytestmark = pytest.mark.integration


def test_plan_lists_creates_and_excluded_skips_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'plan.db'}"
    key = Fernet.generate_key()

    async def prepare() -> None:
        await upgrade(url)
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            connection = await add_connection(
                session,
                CredentialCipher(key),
                account="a",
                name="bolt",
                path="bolt",
                auth_kind="basic",
                api_user="u",
                api_secret="p",
            )
            garden = ProductGroup(account_id=connection.account_id, name="Kert")
            session.add(garden)
            await session.flush()
            session.add_all(
                [
                    Product(
                        account_id=connection.account_id,
                        sku="A-1",
                        name="Ásó",
                        net_price=Decimal(10),
                    ),
                    Product(
                        account_id=connection.account_id,
                        sku="K-1",
                        name="Kapa",
                        group_id=garden.id,
                        net_price=Decimal(20),
                    ),
                ]
            )
            apply_settings(connection, {"products_excluded_group_ids": [garden.id]})
            await session.commit()
        await engine.dispose()

    async def links() -> int:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            count = await session.scalar(select(func.count()).select_from(ProductLink))
        await engine.dispose()
        return int(count or 0)

    asyncio.run(prepare())
    result = CliRunner().invoke(
        cli,
        ["catalog", "plan", "bolt", "--json"],
        env={
            "DATABASE_URL": url,
            "SHOPSYNC_SECRET_KEY": key.decode(),
            "SHOPSYNC_VAR_DIR": str(tmp_path),
        },
    )
    assert result.exit_code == 0, result.output
    actions = {row["sku"]: row["action"] for row in json.loads(result.output)}
    assert actions == {"A-1": "create", "K-1": "skip: excluded group"}
    assert asyncio.run(links()) == 0
