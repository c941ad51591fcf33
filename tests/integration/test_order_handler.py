"""The order intake against a real database: documents, numbers and stock an accountant accepts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.models import (
    Document,
    OutboxMessage,
    ShopConnection,
    SkuMiss,
    StockLevel,
)
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork, order_units
from shopsync.adapters.mail.relay import reference_of
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.drafts import DocumentError, finalize
from shopsync.service_layer.order_intake import OrderIntake, Outcome, PoisonEvent
from shopsync.service_layer.shops import apply_settings
from tests.support import SAMPLE_WEBHOOK, shop_connection, stocked_warehouse, unique

pytestmark = pytest.mark.integration


def sample_order(order_id: str, status: str = "1", when: str = "2025-12-01 20:57:40") -> Any:
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order["innerId"] = order_id
    order["orderHistory"] = {"status": status, "statusText": "x", "dateAdded": when}
    return order


class Shop:
    """A connection with intake on, a warehouse holding 10 of SKU 996000004 (TTA1234 unknown)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.intake = OrderIntake(order_units(sessions))

    async def create(self, cipher: CredentialCipher, **settings: Any) -> Shop:
        async with self.sessions() as session:
            self.account = unique("acct-")
            connection = await shop_connection(session, cipher, self.account)
            warehouse_id, products = await stocked_warehouse(
                session, connection.account_id, {"996000004": Decimal(10)}
            )
            apply_settings(connection, {"orders_stock_warehouse_id": warehouse_id, **settings})
            await session.commit()
            self.id, self.account_id = connection.id, connection.account_id
            self.level_key = (warehouse_id, products["996000004"])
        return self

    async def send(
        self, order_id: str, status: str = "1", when: str = "2025-12-01 20:57:40"
    ) -> Outcome:
        event = order_event(
            self.id,
            self.account_id,
            sample_order(order_id, status, when),
            "json",
            datetime.now(UTC),
        )
        return await self.intake.handle(event)

    async def set(self, **settings: Any) -> None:
        async with self.sessions() as session:
            connection = await session.get(ShopConnection, self.id)
            assert connection is not None
            apply_settings(connection, settings)
            await session.commit()

    async def documents(self, order_id: str | None = None) -> list[Document]:
        query = select(Document).where(Document.connection_id == self.id).order_by(Document.id)
        if order_id is not None:
            query = query.where(Document.order_ref == order_id)
        async with self.sessions() as session:
            return list((await session.execute(query)).scalars())

    async def stock(self) -> Decimal:
        async with self.sessions() as session:
            level = await session.get(StockLevel, self.level_key)
            assert level is not None
            return level.quantity


@pytest.fixture
async def shop(sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher) -> Shop:
    return await Shop(sessions).create(cipher, orders_stock_enabled=True)


async def test_an_order_event_becomes_one_numbered_invoice_with_an_outbox_record(
    shop: Shop,
) -> None:
    outcome = await shop.send("190")
    assert (outcome.result, outcome.kind) == ("issued", "invoice")
    [document] = await shop.documents()
    assert (document.kind, document.document_number, document.status) == (
        "invoice",
        "INV-000001",
        "live",
    )
    assert document.total_gross == Decimal("11206")
    async with shop.sessions() as session:
        outbox = (
            (
                await session.execute(
                    select(OutboxMessage.payload).where(OutboxMessage.key == f"{shop.id}:190")
                )
            )
            .scalars()
            .all()
        )
    assert [json.loads(p)["document_id"] for p in outbox] == [document.id]


async def test_the_same_event_twice_and_a_repeated_status_yield_no_second_document(
    shop: Shop,
) -> None:
    assert (await shop.send("7")).result == "issued"
    assert (await shop.send("7")).result == "duplicate"
    assert (await shop.send("7", when="2025-12-02 10:00:00")).result == "unchanged"
    assert len(await shop.documents()) == 1


async def test_a_connection_with_intake_off_issues_nothing(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    shop = await Shop(sessions).create(cipher, orders_enabled=False)
    assert (await shop.send("8")).result == "ignored"
    assert await shop.documents() == []


async def test_an_event_for_an_unknown_connection_is_poison(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event = order_event(999_999, 1, sample_order("9"), "json", datetime.now(UTC))
    with pytest.raises(PoisonEvent, match="unknown connection"):
        await OrderIntake(order_units(sessions)).handle(event)


async def test_stock_moves_for_known_skus_and_an_unknown_sku_is_recorded(shop: Shop) -> None:
    outcome = await shop.send("11")
    assert await shop.stock() == Decimal(9)
    async with shop.sessions() as session:
        misses = (
            (
                await session.execute(
                    select(SkuMiss.sku).where(SkuMiss.document_id == outcome.document_id)
                )
            )
            .scalars()
            .all()
        )
    assert misses == ["TTA1234"] and outcome.skus_not_found == 1


async def test_concurrent_handlers_number_invoices_without_gaps_or_reuse(shop: Shop) -> None:
    async def handle_with_retry(order_id: str) -> None:
        for _ in range(50):
            try:
                await shop.send(order_id)
                return
            except Exception:  # SQLite: "database is locked" under contention; retried
                await asyncio.sleep(0.05)
        raise AssertionError("event never handled")

    await asyncio.gather(*(handle_with_retry(str(n)) for n in range(1, 41)))
    assert sorted(d.number or 0 for d in await shop.documents()) == list(range(1, 41))


async def test_a_draft_is_unnumbered_until_finalized_then_takes_the_next_number(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    shop = await Shop(sessions).create(cipher, orders_draft=True)
    outcome = await shop.send("21")
    assert outcome.document_id is not None
    [draft] = await shop.documents()
    assert draft.draft and draft.number is None
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        number = await finalize(uow, outcome.document_id)
        await uow.commit()
    [final] = await shop.documents()
    assert (number, final.draft, final.document_number) == ("INV-000001", False, "INV-000001")
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        with pytest.raises(DocumentError, match="already final"):
            await finalize(uow, outcome.document_id)


async def test_a_proforma_then_an_invoice_that_names_it_and_stock_moved_once(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    shop = await Shop(sessions).create(
        cipher,
        orders_stock_enabled=True,
        orders_default_kind=None,
        orders_status_rules={1: "proforma", "6": "invoice"},  # a number or a string
    )
    first = await shop.send("31")
    assert await shop.stock() == Decimal(10)  # a proforma moves nothing by default
    second = await shop.send("31", "6", "2025-12-02 08:00:00")
    assert (first.kind, second.kind) == ("proforma", "invoice")
    proforma, invoice = await shop.documents()
    assert (proforma.document_number, proforma.status) == ("PRO-000001", "settled")
    assert (invoice.document_number, invoice.follows_document_id) == ("INV-000001", proforma.id)
    assert await shop.stock() == Decimal(9)
    async with shop.sessions() as session:  # printed on the invoice's PDF, shown by the CLI
        assert await reference_of(session, invoice) == "Díjbekérő: PRO-000001"


async def test_a_cancellation_stornos_the_invoice_with_its_own_data_and_returns_the_stock(
    shop: Shop,
) -> None:
    invoice = await shop.send("41")
    cancelled = sample_order("41", "7", "2025-12-03 09:00:00")
    cancelled["paymentLastname"] = "Someone Else"  # the storno copies the invoice, not this
    storno = await shop.intake.handle(
        order_event(shop.id, shop.account_id, cancelled, "json", datetime.now(UTC))
    )
    again = await shop.send("41", "7", "2025-12-03 10:00:00")
    assert (storno.result, storno.kind, again.result) == ("cancelled", "storno", "unchanged")
    original, reversal = await shop.documents()
    assert reversal.kind == "storno" and reversal.references_document_id == original.id
    assert original.status == "stornoed"
    assert reversal.total_gross == -original.total_gross
    assert reversal.buyer_name == original.buyer_name
    assert reversal.document_number == "INV-000002"  # same series as invoices, no gap
    async with shop.sessions() as session:
        assert await reference_of(session, reversal) == "Eredeti számla: INV-000001"
    assert await shop.stock() == Decimal(10)  # -1 by the order, +1 by the storno
    assert invoice.document_id == original.id


async def test_an_order_reactivated_after_its_storno_gets_a_new_invoice_and_number(
    shop: Shop,
) -> None:
    await shop.send("51", "1", "2025-12-01 10:00:00")
    await shop.send("51", "7", "2025-12-01 11:00:00")
    reactivated = await shop.send("51", "2", "2025-12-01 12:00:00")
    assert (reactivated.result, reactivated.kind) == ("issued", "invoice")
    numbers = [(d.kind, d.generation, d.document_number, d.status) for d in await shop.documents()]
    assert numbers == [
        ("invoice", 1, "INV-000001", "stornoed"),
        ("storno", 1, "INV-000002", "live"),
        ("invoice", 2, "INV-000003", "live"),
    ]
    assert await shop.stock() == Decimal(9)


async def test_a_cancelled_draft_is_voided_returns_its_stock_and_can_never_be_finalized(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    shop = await Shop(sessions).create(cipher, orders_draft=True, orders_stock_enabled=True)
    draft = await shop.send("61")
    assert await shop.stock() == Decimal(9)
    assert (await shop.send("61", "7", "2025-12-04 09:00:00")).result == "cancelled"
    [voided] = await shop.documents()
    assert (voided.status, voided.number) == ("voided", None)
    assert await shop.stock() == Decimal(10)
    assert draft.document_id is not None
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        with pytest.raises(DocumentError, match="voided"):
            await finalize(uow, draft.document_id)


async def test_a_cancelled_proforma_is_voided_without_a_storno_or_an_invoice_number(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    shop = await Shop(sessions).create(
        cipher,
        orders_stock_enabled=True,
        orders_stock_on="first_document",
        orders_default_kind=None,
        orders_status_rules={"1": "proforma", "6": "invoice"},
    )
    await shop.send("71")
    assert await shop.stock() == Decimal(9)  # first_document: the proforma moved it
    await shop.send("71", "7", "2025-12-05 09:00:00")
    [proforma] = await shop.documents()
    assert (proforma.kind, proforma.status, proforma.document_number) == (
        "proforma",
        "voided",
        "PRO-000001",
    )
    assert await shop.stock() == Decimal(10)
    await shop.send("72", "6")
    invoices = [d.document_number for d in await shop.documents() if d.kind == "invoice"]
    assert invoices == ["INV-000001"]  # voiding took no invoice number


async def test_a_paid_status_older_than_the_one_applied_changes_nothing(shop: Shop) -> None:
    await shop.send("81", "7", "2025-12-06 12:00:00")  # cancelled first: nothing live
    stale = await shop.send("81", "6", "2025-12-06 11:00:00")  # the paid webhook, late
    assert stale.result == "stale"
    assert await shop.documents() == []
    assert await shop.stock() == Decimal(10)


async def test_a_connection_switched_off_and_on_applies_the_settings_at_once(
    shop: Shop,
) -> None:
    await shop.set(orders_enabled=False)
    assert (await shop.send("91")).result == "ignored"
    await shop.set(orders_enabled=True)
    assert (await shop.send("92")).result == "issued"
    async with shop.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Document).where(Document.connection_id == shop.id)
        )
    assert count == 1


async def test_orders_show_tells_the_statuses_applied_and_ignored_documents_and_stock(
    shop: Shop,
) -> None:
    from shopsync.service_layer.order_reports import order_report

    await shop.send("95", "1", "2025-12-07 10:00:00")
    await shop.send("95", "7", "2025-12-07 12:00:00")
    await shop.send("95", "1", "2025-12-07 11:00:00")  # late
    async with shop.sessions() as session:
        report = await order_report(session, "s", "95", shop.account)
    assert [(h["status"], h["result"]) for h in report["history"]] == [
        ("1", "issued"),
        ("7", "cancelled"),
        ("1", "stale"),
    ]
    assert "older than status 7" in report["history"][2]["note"]
    assert [(d["kind"], d["status"]) for d in report["documents"]] == [
        ("invoice", "stornoed"),
        ("storno", "live"),
    ]
    assert report["stock_held"] == [] and report["skus_not_found"] == ["TTA1234"]
