"""`shopsync documents pdf ID -o FILE` on PostgreSQL: an invoice, its storno, a proforma and a
EUR invoice, each the same bytes every time, read back with pdftotext."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_invoice import DATA_NS
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.exchange_rates import set_rate
from shopsync.service_layer.nav_export import export_invoice_data
from shopsync.service_layer.order_intake import OrderIntake
from tests.nav_check import TEST_SUPPLIER
from tests.pdf_tools import pdf_text
from tests.support import SAMPLE_WEBHOOK, shop_connection, unique

pytestmark = pytest.mark.integration
NS = {"d": DATA_NS}
SETTINGS = {
    "orders_status_rules": {"1": "proforma", "5": "invoice"},
    "orders_cancel_status_ids": ["7"],
    "nav_zero_vat_case": "TAM",
    "payment_due_days": {"Cash on delivery": 3},
}
#: Old days no other test gives a rate for: the EUR rate set here is seen by no other document.
EUR_DAY, NO_RATE_DAY = date(2020, 3, 16), date(2010, 1, 4)


def sample(order_id: str, status: str, **changes: Any) -> dict[str, Any]:
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    history = {**order["orderHistory"], "status": status}
    return {**order, "innerId": order_id, "orderHistory": history, **changes}


async def issue(
    sessions: async_sessionmaker[AsyncSession], ids: tuple[int, int], order: Any
) -> int:
    event = order_event(ids[0], ids[1], order, "json", datetime.now(UTC))
    outcome = await OrderIntake(order_units(sessions)).handle(event)
    assert outcome.document_id is not None
    return outcome.document_id


async def issued_at(
    sessions: async_sessionmaker[AsyncSession], document_id: int, at: datetime
) -> None:
    """As if the document had been issued then (its day is what the PDF shows)."""
    async with sessions() as session:
        document = await session.get(Document, document_id)
        assert document is not None
        document.issued_at = at
        await session.commit()


async def prepare(url: str) -> dict[str, int]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        cipher = CredentialCipher(Fernet.generate_key())
        connection = await shop_connection(session, cipher, unique("pdf-"), **SETTINGS)
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, {**TEST_SUPPLIER, "eu_vat_number": "HU12345678"})
        await session.commit()
        ids = (connection.id, connection.account_id)
    order, eur, unrated = unique(""), unique(""), unique("")
    documents = {
        "proforma": await issue(sessions, ids, sample(order, "1")),
        "invoice": await issue(sessions, ids, sample(order, "5")),
        "storno": await issue(sessions, ids, sample(order, "7")),
        "eur": await issue(sessions, ids, sample(eur, "5", currency="EUR", totalGross="11206.15")),
        "unrated": await issue(
            sessions, ids, sample(unrated, "5", currency="EUR", totalGross="11206.15")
        ),
    }
    # 23:30 UTC on 26 November is 27 November in Budapest: the day the PDF shows.
    await issued_at(sessions, documents["invoice"], datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    await issued_at(sessions, documents["storno"], datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    await issued_at(sessions, documents["eur"], datetime(2020, 3, 16, 10, 0, tzinfo=UTC))
    await issued_at(sessions, documents["unrated"], datetime(2010, 1, 4, 10, 0, tzinfo=UTC))
    async with sessions() as session:
        await set_rate(session, "EUR", EUR_DAY, Decimal("331.25"))
        await session.commit()
        documents["nav_27_huf"] = int(await _nav_vat_huf(session, documents["eur"]) * 100)
    await engine.dispose()
    return documents


async def _nav_vat_huf(session: AsyncSession, document_id: int) -> Decimal:
    """The 27 % VAT in HUF as the NAV export reports it."""
    root = ET.fromstring(await export_invoice_data(session, document_id))
    for by_rate in root.iter(f"{{{DATA_NS}}}summaryByVatRate"):
        if by_rate.findtext(".//d:vatPercentage", namespaces=NS) == "0.27":
            return Decimal(by_rate.findtext(".//d:vatRateVatAmountHUF", namespaces=NS) or "")
    raise AssertionError("no 27 % summary")


def render(env: dict[str, str], document_id: int, out: Path) -> bytes:
    result = CliRunner().invoke(
        cli, ["documents", "pdf", str(document_id), "-o", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_documents_pdf_writes_each_kind_complete_and_the_same_bytes_each_time(
    pg_database_url: str, tmp_path: Path
) -> None:
    ids = asyncio.run(prepare(pg_database_url))
    env = {"DATABASE_URL": pg_database_url, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    pdfs = {
        kind: render(env, ids[kind], tmp_path / f"{kind}.pdf")
        for kind in ("invoice", "storno", "proforma", "eur")
    }
    assert render(env, ids["invoice"], tmp_path / "again.pdf") == pdfs["invoice"]
    texts = {kind: pdf_text(pdf) for kind, pdf in pdfs.items()}
    supplier = ("Teszt Értékesítő Kft.", "1037 Budapest, Bécsi út 52.", "Adószám: 12345678-2-41")
    banked = ("Közösségi adószám: HU12345678", "Bankszámlaszám: 12345678-12345678-12345678")
    buyer = "4033 Debrecen, Test utca 5"
    for kind, text in texts.items():
        assert all(part in text for part in (*supplier, *banked, buyer)), kind
        assert "30 Multi-Colored Tulips" in text and "TAM – Tárgyi adómentes" in text, kind
    invoice = texts["invoice"]
    assert "Számla INV-" in invoice
    # issued on Budapest's 27 November, fulfilled then, due 3 days later (the connection's days)
    assert "2026.11.27. 2026.11.27. 2026.11.30. Cash on delivery HUF" in invoice
    assert "Fizetendő 11 206 Ft" in invoice and "Előzmény díjbekérő: PRO-" in invoice
    storno = texts["storno"]
    number = next(w for w in invoice.split() if w.startswith("INV-"))
    assert "Sztornó számla" in storno and f"Eredeti számla: {number}, kelte: 2026.11.27." in storno
    assert "2026.12.03. 2026.11.27." in storno and "Végösszeg -11 206 Ft" in storno
    assert (
        "Díjbekérő — nem számla PRO-" in texts["proforma"] and "Teljesítés" not in texts["proforma"]
    )
    eur = texts["eur"]
    assert "Árfolyam: 1 EUR = 331,25 Ft (teljesítés: 2020.03.16.)" in eur
    nav_huf = Decimal(ids["nav_27_huf"]) / 100  # the PDF's HUF VAT per rate is NAV's
    huf = f"{nav_huf:,.2f}".replace(",", " ").replace(".", ",") + " Ft"
    assert any(line.startswith("27% ") and line.endswith(huf) for line in eur.splitlines()), huf


def test_documents_pdf_refuses_a_foreign_invoice_without_its_rate_and_says_how_to_add_it(
    pg_database_url: str, tmp_path: Path
) -> None:
    ids = asyncio.run(prepare(pg_database_url))
    env = {"DATABASE_URL": pg_database_url, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    out = tmp_path / "unrated.pdf"
    result = CliRunner().invoke(
        cli, ["documents", "pdf", str(ids["unrated"]), "-o", str(out)], env=env
    )
    assert result.exit_code == 1 and not out.exists()
    assert f"shopsync rates set EUR {NO_RATE_DAY.isoformat()} RATE" in result.output
    missing = CliRunner().invoke(cli, ["documents", "pdf", "999999999", "-o", str(out)], env=env)
    assert missing.exit_code == 1 and "no document 999999999" in missing.output
