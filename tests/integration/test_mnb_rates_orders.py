"""Foreign-currency orders get MNB's rate of their Budapest day: on the document, its PDF and
its NAV XML; without a rate the order waits, held, and is issued once the rate can be had."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import Account, Document, ShopConnection
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.order_events import order_event
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.budapest import budapest_day
from shopsync.domain.nav_invoice import DATA_NS
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.document_pdf import rendered_document
from shopsync.service_layer.exchange_rates import set_rate
from shopsync.service_layer.held_orders import held_orders, release
from shopsync.service_layer.nav_export import export_invoice_data
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.rate_book import RateBook
from tests.mnb_fixtures import MnbSandbox
from tests.nav_check import TEST_SUPPLIER
from tests.pdf_tools import pdf_text
from tests.support import SAMPLE_WEBHOOK, shop_connection, unique

pytestmark = pytest.mark.integration
NS = {"d": DATA_NS}
#: Saturday 4 April 2020, 10:00 in Budapest; MNB last published on Friday 3 April: 364,42.
SATURDAY = datetime(2020, 4, 4, 8, 0, tzinfo=UTC)
#: Saturday 15 August 2020; MNB published GBP 383,23 on Friday 14 August.
AUGUST_SATURDAY = datetime(2020, 8, 15, 8, 0, tzinfo=UTC)


def foreign_order(currency: str) -> dict[str, Any]:
    """The sample order in another currency (in cents its total is 11 206.15)."""
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    return {**order, "innerId": unique(""), "currency": currency, "totalGross": "11206.15"}


async def supplier_shop(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> tuple[int, int, str]:
    """A connection whose account can issue invoices NAV would take: (connection, account)."""
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("mnb-"))
        connection.nav_zero_vat_case = "TAM"
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
        return connection.id, connection.account_id, account.name


async def issue(intake: OrderIntake, shop: tuple[int, int, str], order: dict[str, Any]) -> Any:
    return await intake.handle(order_event(shop[0], shop[1], order, "json", datetime.now(UTC)))


async def stored(sessions: async_sessionmaker[AsyncSession], document_id: int) -> Document:
    async with sessions() as session:
        document = await session.get(Document, document_id)
        assert document is not None
        return document


async def pdf_and_xml(
    sessions: async_sessionmaker[AsyncSession], document_id: int
) -> tuple[str, ET.Element]:
    async with sessions() as session:
        pdf = (await rendered_document(session, document_id)).pdf
        xml = await export_invoice_data(session, document_id)
    return pdf_text(pdf), ET.fromstring(xml)


def amount(root: ET.Element, name: str) -> Decimal:
    return Decimal(root.findtext(f".//d:{name}", namespaces=NS) or "NaN")


def huf_text(value: Decimal) -> str:
    """12 345,67 Ft, as the PDF writes HUF."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " Ft"


async def test_a_euro_order_on_a_saturday_is_issued_with_fridays_mnb_rate_on_pdf_and_xml(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, mnb_sandbox: MnbSandbox
) -> None:
    shop = await supplier_shop(sessions, cipher)
    rates = RateBook(sessions, mnb_sandbox.client())
    intake = OrderIntake(order_units(sessions), rates, clock=lambda: SATURDAY)

    outcome = await issue(intake, shop, foreign_order("EUR"))

    assert outcome.result == "issued"
    document = await stored(sessions, outcome.document_id)
    assert document.issued_at is not None and budapest_day(document.issued_at) == date(2020, 4, 4)
    assert document.exchange_rate == Decimal("364.42")
    text, root = await pdf_and_xml(sessions, outcome.document_id)
    assert "Árfolyam: 1 EUR = 364,42 Ft (teljesítés: 2020.04.04.)" in text
    assert root.findtext(".//d:exchangeRate", namespaces=NS) == "364.42"
    gross, gross_huf = amount(root, "invoiceGrossAmount"), amount(root, "invoiceGrossAmountHUF")
    assert abs(gross_huf - gross * Decimal("364.42")) <= 1
    vat_huf = amount(root, "vatRateVatAmountHUF")  # the one VAT rate with VAT: 27 %
    assert vat_huf == (amount(root, "vatRateVatAmount") * Decimal("364.42")).quantize(
        Decimal("0.01")
    )
    assert any(
        line.startswith("27% ") and line.endswith(huf_text(vat_huf)) for line in text.splitlines()
    )


async def test_mnb_is_asked_once_and_an_issued_document_keeps_its_rate(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, mnb_sandbox: MnbSandbox
) -> None:
    shop = await supplier_shop(sessions, cipher)
    rates = RateBook(sessions, mnb_sandbox.client())
    intake = OrderIntake(order_units(sessions), rates, clock=lambda: SATURDAY)
    first = await issue(intake, shop, foreign_order("EUR"))
    again = await issue(intake, shop, foreign_order("EUR"))
    friday = OrderIntake(
        order_units(sessions), rates, clock=lambda: datetime(2020, 4, 3, 12, tzinfo=UTC)
    )
    on_friday = await issue(friday, shop, foreign_order("EUR"))

    assert mnb_sandbox.table.calls["GetExchangeRates"] <= 1  # 0: an earlier test kept them
    assert (await stored(sessions, again.document_id)).exchange_rate == Decimal("364.42")
    assert (await stored(sessions, on_friday.document_id)).exchange_rate == Decimal("364.42")
    # A rate recorded for the day later on changes no document issued before it.
    async with sessions() as session:
        await set_rate(session, "EUR", date(2020, 4, 4), Decimal("999"))
        await session.commit()
    text, root = await pdf_and_xml(sessions, first.document_id)
    assert (
        "1 EUR = 364,42 Ft" in text
        and root.findtext(".//d:exchangeRate", namespaces=NS) == "364.42"
    )
    async with sessions() as session:
        await set_rate(session, "EUR", date(2020, 4, 4), Decimal("364.42"), "mnb")
        await session.commit()


async def test_with_mnb_down_and_no_rate_the_order_is_held_then_issued_once_the_rate_arrives(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, mnb_sandbox: MnbSandbox
) -> None:
    shop = await supplier_shop(sessions, cipher)
    mnb_sandbox.table.fault = "error"
    order = foreign_order("GBP")
    down = OrderIntake(
        order_units(sessions),
        RateBook(sessions, mnb_sandbox.client()),
        clock=lambda: AUGUST_SATURDAY,
    )

    outcome = await issue(down, shop, order)

    assert outcome.result == "held" and outcome.held_field == "exchange_rate"
    async with sessions() as session:
        held = [h for h in await held_orders(session) if h["order"] == order["innerId"]]
    assert len(held) == 1 and held[0]["field"] == "exchange_rate"
    assert "waiting for the exchange rate" in held[0]["reason"]
    assert "no GBP rate for 2020-08-15" in held[0]["reason"] and "HTTP 503" in held[0]["reason"]
    async with sessions() as session:
        assert await session.scalar(_documents_of(shop[0])) == 0

    # MNB is back and has published today's rate: releasing the order issues it today with it.
    mnb_sandbox.table.fault = "none"
    today = budapest_day(datetime.now(UTC))
    mnb_sandbox.table.publish(today, {"GBP": (1, "401,50")})
    async with sessions() as session:
        name = (await session.get(ShopConnection, shop[0])).name  # type: ignore[union-attr]
    said = await release(
        sessions, name, order["innerId"], shop[2], rates=RateBook(sessions, mnb_sandbox.client())
    )

    assert said and "issued" in said[0]
    async with sessions() as session:
        assert not [h for h in await held_orders(session) if h["order"] == order["innerId"]]
        document = (await session.execute(_documents_of(shop[0], rows=True))).scalar_one()
    assert document.exchange_rate == Decimal("401.50")


async def test_a_rate_set_by_hand_for_the_day_is_used_while_mnb_is_down(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, mnb_sandbox: MnbSandbox
) -> None:
    shop = await supplier_shop(sessions, cipher)
    mnb_sandbox.table.fault = "timeout"
    day = date(2019, 6, 1)  # no other test's day
    async with sessions() as session:
        await set_rate(session, "USD", day, Decimal("288.5"), "bank")
        await session.commit()
    book = RateBook(sessions, mnb_sandbox.client(timeout_s=0.3))
    intake = OrderIntake(
        order_units(sessions), book, clock=lambda: datetime(2019, 6, 1, 9, tzinfo=UTC)
    )

    outcome = await issue(intake, shop, foreign_order("USD"))

    assert outcome.result == "issued"
    assert (await stored(sessions, outcome.document_id)).exchange_rate == Decimal("288.5")
    assert mnb_sandbox.table.calls["GetExchangeRates"] == 0


def _documents_of(connection_id: int, rows: bool = False) -> Any:
    from sqlalchemy import func, select

    if rows:
        return select(Document).where(Document.connection_id == connection_id)
    return select(func.count()).select_from(Document).where(Document.connection_id == connection_id)
