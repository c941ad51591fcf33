"""The order handler against a real database: one document per order and kind, numbered."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.handlers import OrderEventHandler, PoisonEvent
from services.webhook_gateway.events import order_event
from shopsync.db.models import Document, OutboxMessage, Product, SkuMiss, StockLevel, Warehouse
from shopsync.secrets import CredentialCipher
from shopsync.shops import add_connection, apply_settings
from tests.support import SAMPLE_WEBHOOK, unique

pytestmark = pytest.mark.integration


def sample_order(order_id: str) -> dict[str, Any]:
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order["innerId"] = order_id
    return order


async def new_connection(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, **settings: Any
) -> tuple[int, int]:
    async with sessions() as session:
        connection = await add_connection(
            session,
            cipher,
            account=unique("acct-"),
            name="shop",
            path="demo",
            auth_kind="basic",
            api_user="u",
            api_secret="s",
        )
        apply_settings(connection, settings)
        await session.commit()
        return connection.id, connection.account_id


async def count(sessions: async_sessionmaker[AsyncSession], connection_id: int) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Document)
                .where(Document.connection_id == connection_id)
            )
            or 0
        )


async def test_an_order_event_becomes_one_numbered_invoice_with_an_outbox_record(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher)
    handler = OrderEventHandler(sessions)
    event = order_event(connection_id, account_id, sample_order("190"), "json", datetime.now(UTC))
    outcome = await handler.handle(event)
    assert outcome.result == "issued"
    async with sessions() as session:
        document = await session.get(Document, outcome.document_id)
        assert document is not None
        assert (document.kind, document.document_number) == ("invoice", "INV-000001")
        assert document.total_gross == Decimal("11206")
        outbox = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.key == f"{connection_id}:190")
                )
            )
            .scalars()
            .all()
        )
        assert len(outbox) == 1 and json.loads(outbox[0].payload)["document_id"] == document.id


async def test_the_same_event_twice_and_a_repeated_status_yield_no_second_document(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher)
    handler = OrderEventHandler(sessions)
    event = order_event(connection_id, account_id, sample_order("7"), "json", datetime.now(UTC))
    assert (await handler.handle(event)).result == "issued"
    assert (await handler.handle(event)).result == "duplicate"
    later = sample_order("7")
    later["orderHistory"]["dateAdded"] = "2025-12-02 10:00:00"
    again = order_event(connection_id, account_id, later, "json", datetime.now(UTC))
    assert (await handler.handle(again)).result == "duplicate"
    assert await count(sessions, connection_id) == 1


async def test_a_switched_off_connection_issues_nothing(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher, orders_enabled=False)
    event = order_event(connection_id, account_id, sample_order("8"), "json", datetime.now(UTC))
    assert (await OrderEventHandler(sessions).handle(event)).result == "skipped"
    assert await count(sessions, connection_id) == 0


async def test_an_event_for_an_unknown_connection_is_poison(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = order_event(999_999, 1, sample_order("9"), "json", datetime.now(UTC))
    with pytest.raises(PoisonEvent, match="unknown connection"):
        await OrderEventHandler(sessions).handle(event)


async def test_stock_moves_for_known_skus_and_an_unknown_sku_is_recorded(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher)
    async with sessions() as session:
        warehouse = Warehouse(account_id=account_id, name="Fő raktár")
        product = Product(account_id=account_id, sku="996000004", name="Tulips")
        session.add_all([warehouse, product])
        await session.flush()
        session.add(
            StockLevel(warehouse_id=warehouse.id, product_id=product.id, quantity=Decimal(10))
        )
        await session.commit()
        warehouse_id, product_id = warehouse.id, product.id
    async with sessions() as session:
        from shopsync.db.models import ShopConnection

        connection = await session.get(ShopConnection, connection_id)
        assert connection is not None
        apply_settings(
            connection, {"orders_stock_enabled": True, "orders_stock_warehouse_id": warehouse_id}
        )
        await session.commit()
    event = order_event(connection_id, account_id, sample_order("11"), "json", datetime.now(UTC))
    outcome = await OrderEventHandler(sessions).handle(event)
    async with sessions() as session:
        level = await session.get(StockLevel, (warehouse_id, product_id))
        assert level is not None and level.quantity == Decimal(9)
        misses = (
            (
                await session.execute(
                    select(SkuMiss.sku).where(SkuMiss.document_id == outcome.document_id)
                )
            )
            .scalars()
            .all()
        )
        assert misses == ["TTA1234"]


async def test_concurrent_handlers_number_invoices_without_gaps_or_reuse(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, database_url: str
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher)
    handler = OrderEventHandler(sessions)
    events = [
        order_event(connection_id, account_id, sample_order(str(n)), "json", datetime.now(UTC))
        for n in range(1, 41)
    ]

    async def handle_with_retry(event: Any) -> None:
        for _ in range(50):
            try:
                await handler.handle(event)
                return
            except Exception:  # SQLite: "database is locked" under contention; retried
                await asyncio.sleep(0.05)
        raise AssertionError("event never handled")

    await asyncio.gather(*(handle_with_retry(e) for e in events))
    async with sessions() as session:
        numbers = sorted(
            (
                await session.execute(
                    select(Document.number).where(Document.connection_id == connection_id)
                )
            )
            .scalars()
            .all()
        )
    assert numbers == list(range(1, 41))


async def set_connection(
    sessions: async_sessionmaker[AsyncSession], connection_id: int, **changes: Any
) -> None:
    from shopsync.db.models import ShopConnection

    async with sessions() as session:
        connection = await session.get(ShopConnection, connection_id)
        assert connection is not None
        apply_settings(connection, changes)
        await session.commit()


def with_status(order: dict[str, Any], status: str, when: str) -> dict[str, Any]:
    changed = json.loads(json.dumps(order))
    changed["orderHistory"] = {"status": status, "statusText": "x", "dateAdded": when}
    return changed


async def test_a_draft_is_unnumbered_until_finalized_then_takes_the_next_number(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    from shopsync.db.uow import SqlAlchemyUnitOfWork
    from shopsync.issuing import DocumentError, finalize

    connection_id, account_id = await new_connection(sessions, cipher, orders_draft=True)
    event = order_event(connection_id, account_id, sample_order("21"), "json", datetime.now(UTC))
    outcome = await OrderEventHandler(sessions).handle(event)
    async with sessions() as session:
        draft = await session.get(Document, outcome.document_id)
        assert draft is not None and draft.draft and draft.number is None
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        final = await finalize(uow, outcome.document_id)
        await uow.commit()
    assert (final.draft, final.document_number) == (False, "INV-000001")
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        with pytest.raises(DocumentError, match="already final"):
            await finalize(uow, outcome.document_id)


async def test_status_rules_issue_a_proforma_then_an_invoice_with_separate_series(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(
        sessions, cipher, orders_status_rules={"1": "proforma", "6": "invoice"}
    )
    handler = OrderEventHandler(sessions)
    order = sample_order("31")
    first = await handler.handle(
        order_event(connection_id, account_id, order, "json", datetime.now(UTC))
    )
    paid = with_status(order, "6", "2025-12-02 08:00:00")
    second = await handler.handle(
        order_event(connection_id, account_id, paid, "json", datetime.now(UTC))
    )
    async with sessions() as session:
        kinds = {
            (d.kind, d.document_number)
            for d in (
                await session.execute(
                    select(Document).where(Document.connection_id == connection_id)
                )
            ).scalars()
        }
    assert (first.kind, second.kind) == ("proforma", "invoice")
    assert kinds == {("proforma", "PRO-000001"), ("invoice", "INV-000001")}


async def test_a_cancellation_stornos_the_invoice_and_returns_the_stock(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    connection_id, account_id = await new_connection(sessions, cipher)
    async with sessions() as session:
        warehouse = Warehouse(account_id=account_id, name="Raktár")
        product = Product(account_id=account_id, sku="996000004", name="Tulips")
        session.add_all([warehouse, product])
        await session.commit()
        warehouse_id, product_id = warehouse.id, product.id
    await set_connection(
        sessions,
        connection_id,
        orders_stock_enabled=True,
        orders_stock_warehouse_id=warehouse_id,
        orders_cancel_status_ids=["7"],
    )
    handler = OrderEventHandler(sessions)
    order = sample_order("41")
    invoice = await handler.handle(
        order_event(connection_id, account_id, order, "json", datetime.now(UTC))
    )
    cancelled = with_status(order, "7", "2025-12-03 09:00:00")
    storno = await handler.handle(
        order_event(connection_id, account_id, cancelled, "json", datetime.now(UTC))
    )
    again = with_status(order, "7", "2025-12-03 10:00:00")
    assert (
        await handler.handle(
            order_event(connection_id, account_id, again, "json", datetime.now(UTC))
        )
    ).result == "duplicate"
    async with sessions() as session:
        original = await session.get(Document, invoice.document_id)
        reversal = await session.get(Document, storno.document_id)
        level = await session.get(StockLevel, (warehouse_id, product_id))
    assert original is not None and reversal is not None and level is not None
    assert reversal.kind == "storno" and reversal.references_document_id == original.id
    assert reversal.total_gross == -original.total_gross
    assert reversal.document_number == "INV-000002"  # same series as invoices, no gap
    assert level.quantity == Decimal(0)  # -1 by the order, +1 by the storno
