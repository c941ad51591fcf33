"""Alembic migrations run up and down on PostgreSQL and SQLite alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, select

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.base import Base
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import downgrade, upgrade
from shopsync.adapters.db.models import Document
from shopsync.adapters.db.order_states import load_states
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.order_intake import OrderIntake
from tests.support import (
    SAMPLE_WEBHOOK,
    create_pg_database,
    drop_pg_database,
    shop_connection,
    stocked_warehouse,
)

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


async def test_migrations_go_up_down_and_up_again_on_sqlite(tmp_path) -> None:
    await _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_models_and_migrations_agree(tmp_path) -> None:
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


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
async def test_existing_orders_get_their_lifecycle_state_from_their_documents(
    tmp_path: Any, dialect: str
) -> None:
    """Orders handled before the lifecycle existed: down to 0004 and up again rebuilds them."""
    if dialect == "sqlite":
        await _backfill_round_trip(f"sqlite+aiosqlite:///{tmp_path / 'backfill.db'}")
        return
    name, url = await create_pg_database()
    try:
        await _backfill_round_trip(url)
    finally:
        await drop_pg_database(name)


async def _backfill_round_trip(url: str) -> None:
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await shop_connection(
            session,
            CredentialCipher(Fernet.generate_key()),
            "acct",
            orders_default_kind=None,
            orders_status_rules={"1": "proforma", "6": "invoice"},
            orders_stock_enabled=True,
        )
        warehouse_id, _ = await stocked_warehouse(
            session, connection.account_id, {"996000004": Decimal(10)}
        )
        connection.orders_stock_warehouse_id = warehouse_id
        await session.commit()
        cid, aid = connection.id, connection.account_id
    intake = OrderIntake(order_units(sessions))
    base = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    # Not a cancelled proforma: before the lifecycle none was ever voided, so the rebuilt
    # state rightly takes a proforma without an invoice for live.
    steps = [("a", "1"), ("a", "6"), ("b", "6"), ("b", "7"), ("c", "1"), ("d", "6")]
    for n, (order_id, status) in enumerate(steps):
        history = {"status": status, "statusText": "", "dateAdded": f"2026-01-0{1 + n} 10:00:00"}
        order = {**base, "innerId": order_id, "orderHistory": history}
        await intake.handle(order_event(cid, aid, order, "json", datetime.now(UTC)))
    keys = [(cid, o) for o in "abcd"]

    async def snapshot() -> tuple[Any, Any]:
        async with sessions() as session:
            states = await load_states(session, keys)
            documents = (
                await session.execute(
                    select(
                        Document.order_ref,
                        Document.kind,
                        Document.status,
                        Document.follows_document_id,
                    )
                )
            ).all()
        return (
            {
                k: ({(d.ref, d.status, d.draft, d.follows) for d in s.documents}, s.stock)
                for k, s in states.items()
            },
            sorted(documents),
        )

    before = await snapshot()
    await engine.dispose()
    await downgrade(url, "0004")
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    assert await snapshot() == before
    # The rebuilt state carries on: the backfilled live invoice of "a" is stornoed.
    history = {"status": "7", "statusText": "", "dateAdded": "2026-02-01 10:00:00"}
    order = {**base, "innerId": "a", "orderHistory": history}
    outcome = await OrderIntake(order_units(sessions)).handle(
        order_event(cid, aid, order, "json", datetime.now(UTC))
    )
    assert (outcome.result, outcome.kind) == ("cancelled", "storno")
    await engine.dispose()
