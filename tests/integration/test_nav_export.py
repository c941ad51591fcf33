"""`shopsync documents export ID --format nav-xml`: issued documents as NAV InvoiceData."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Account, Document, ShopConnection
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.nav.schema import validate_invoice_data
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_invoice import DATA_NS
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.exchange_rates import set_rate
from shopsync.service_layer.nav_export import ExportRefused, export_invoice_data
from shopsync.service_layer.order_intake import OrderIntake
from tests.nav_check import NAV_SCHEMAS, TEST_SUPPLIER
from tests.support import SAMPLE_WEBHOOK, shop_connection, unique

pytestmark = pytest.mark.integration
NS = {"d": DATA_NS, "b": "http://schemas.nav.gov.hu/OSA/3.0/base"}


def sample(order_id: str, status: str = "1", **changes: Any) -> dict[str, Any]:
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    history = {**order["orderHistory"], "status": status}
    return {**order, "innerId": order_id, "orderHistory": history, **changes}


async def issue(
    sessions: async_sessionmaker[AsyncSession], cid: int, aid: int, order: dict[str, Any]
) -> int:
    outcome = await OrderIntake(order_units(sessions)).handle(
        order_event(cid, aid, order, "json", datetime.now(UTC))
    )
    assert outcome.document_id is not None
    return outcome.document_id


async def export(sessions: async_sessionmaker[AsyncSession], document_id: int) -> bytes:
    async with sessions() as session:
        return await export_invoice_data(session, document_id)


async def connection(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, **settings: Any
) -> tuple[int, int]:
    async with sessions() as session:
        conn = await shop_connection(session, cipher, unique("nav-"), **settings)
        await session.commit()
        return conn.id, conn.account_id


async def configure(sessions: async_sessionmaker[AsyncSession], aid: int, cid: int) -> None:
    async with sessions() as session:
        account = await session.get(Account, aid)
        conn = await session.get(ShopConnection, cid)
        assert account is not None and conn is not None
        set_supplier(account, TEST_SUPPLIER)
        conn.nav_zero_vat_case = "TAM"
        await session.commit()


async def test_an_invoice_exports_once_the_supplier_and_the_zero_vat_case_are_known(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid = await connection(sessions, cipher)
    invoice_id = await issue(sessions, cid, aid, sample("501"))

    with pytest.raises(ExportRefused, match="shopsync account set") as missing_supplier:
        await export(sessions, invoice_id)
    assert "tax_number" in str(missing_supplier.value)
    async with sessions() as session:
        account = await session.get(Account, aid)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
    # The sample order has a 0% product: it needs its exemption case before it can be reported.
    with pytest.raises(ExportRefused, match="nav_zero_vat_case"):
        await export(sessions, invoice_id)
    await configure(sessions, aid, cid)

    xml = await export(sessions, invoice_id)
    validate_invoice_data(xml, NAV_SCHEMAS)
    root = ET.fromstring(xml)
    async with sessions() as session:
        document = await session.get(Document, invoice_id)
        assert document is not None
    assert root.findtext("d:invoiceNumber", namespaces=NS) == document.document_number
    assert root.findtext(".//d:supplierTaxNumber/b:taxpayerId", namespaces=NS) == "12345678"
    assert root.findtext(".//d:currencyCode", namespaces=NS) == "HUF"
    assert root.findtext(".//d:exchangeRate", namespaces=NS) == "1"
    assert root.findtext(".//d:paymentMethod", namespaces=NS) == "CASH"  # "Cash on delivery"
    gross = root.findtext(".//d:invoiceGrossAmount", namespaces=NS)
    assert gross is not None and Decimal(gross) == document.total_gross
    # The sample's buyer is a private person: only the status is reported.
    customer = root.find(".//d:customerInfo", NS)
    assert customer is not None and [c.tag.split("}")[1] for c in customer] == ["customerVatStatus"]
    assert document.buyer_name and document.buyer_name not in xml.decode()
    natures = [e.text for e in root.iter(f"{{{DATA_NS}}}lineNatureIndicator")]
    assert natures[-1] == "SERVICE"  # shipping
    assert "PRODUCT" in natures


async def test_a_storno_references_its_invoice_and_proformas_and_drafts_are_refused(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid = await connection(
        sessions,
        cipher,
        orders_status_rules={"1": "proforma", "2": "invoice"},
        orders_cancel_status_ids=["7"],
    )
    await configure(sessions, aid, cid)
    proforma_id = await issue(sessions, cid, aid, sample("601", "1"))
    invoice_id = await issue(sessions, cid, aid, sample("601", "2"))
    storno_id = await issue(sessions, cid, aid, sample("601", "7"))

    with pytest.raises(ExportRefused, match=r"proforma .*not an invoice"):
        await export(sessions, proforma_id)
    async with sessions() as session:  # the invoice was issued three days before its storno
        original = await session.get(Document, invoice_id)
        assert original is not None and original.issued_at is not None
        original.issued_at -= timedelta(days=3)
        await session.commit()
    invoice = ET.fromstring(await export(sessions, invoice_id))
    storno_xml = await export(sessions, storno_id)
    validate_invoice_data(storno_xml, NAV_SCHEMAS)
    storno = ET.fromstring(storno_xml)
    reference = storno.find(".//d:invoiceReference", NS)
    assert reference is not None
    assert reference.findtext("d:originalInvoiceNumber", namespaces=NS) == invoice.findtext(
        "d:invoiceNumber", namespaces=NS
    )
    assert reference.findtext("d:modificationIndex", namespaces=NS) == "1"
    # A storno reverses the invoice's supply: same delivery day, its own (later) issue day.
    delivery = storno.findtext(".//d:invoiceDeliveryDate", namespaces=NS)
    assert delivery == invoice.findtext(".//d:invoiceDeliveryDate", namespaces=NS)
    assert storno.findtext("d:invoiceIssueDate", namespaces=NS) != delivery
    assert Decimal(storno.findtext(".//d:invoiceGrossAmount", namespaces=NS) or "0") == -Decimal(
        invoice.findtext(".//d:invoiceGrossAmount", namespaces=NS) or "0"
    )

    draft_cid, draft_aid = await connection(sessions, cipher, orders_draft=True)
    draft_id = await issue(sessions, draft_cid, draft_aid, sample("602"))
    with pytest.raises(ExportRefused, match="draft: finalize it first"):
        await export(sessions, draft_id)


async def test_a_foreign_currency_invoice_needs_the_days_exchange_rate_and_reports_huf_values(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid = await connection(sessions, cipher)
    await configure(sessions, aid, cid)
    # In cents the sample's 945 net at 27 % is 1 200.15, so the shop's total is 11 206.15. Swiss
    # francs: the other tests' euro rates (rates are the machine's, not an account's) stay apart.
    order = sample("701", currency="CHF", totalGross="11206.15")
    invoice_id = await issue(sessions, cid, aid, order)
    async with sessions() as session:
        document = await session.get(Document, invoice_id)
        assert document is not None and document.issued_at is not None
        day = document.issued_at.date()
    with pytest.raises(ExportRefused, match="shopsync rates set CHF"):
        await export(sessions, invoice_id)
    async with sessions() as session:
        await set_rate(session, "CHF", date(day.year, day.month, 1), Decimal("390.5"))
        await session.commit()

    xml = await export(sessions, invoice_id)
    validate_invoice_data(xml, NAV_SCHEMAS)
    root = ET.fromstring(xml)
    assert root.findtext(".//d:exchangeRate", namespaces=NS) == "390.5"
    gross = Decimal(root.findtext(".//d:invoiceGrossAmount", namespaces=NS) or "0")
    gross_huf = Decimal(root.findtext(".//d:invoiceGrossAmountHUF", namespaces=NS) or "0")
    assert abs(gross_huf - gross * Decimal("390.5")) <= 1


def test_the_cli_writes_the_xml_and_says_why_when_it_cannot(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nav.db'}"
    key = Fernet.generate_key()
    env = {
        "DATABASE_URL": url,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(tmp_path),
    }

    async def prepare() -> tuple[int, int]:
        await upgrade(url)
        engine = create_engine(url)
        sessions = session_factory(engine)
        cid, aid = await connection(
            sessions, CredentialCipher(key), orders_status_rules={"1": "proforma", "5": "invoice"}
        )
        async with sessions() as session:
            conn = await session.get(ShopConnection, cid)
            assert conn is not None
            conn.nav_zero_vat_case = "TAM"
            await session.commit()
            account = (await session.execute(select(Account).where(Account.id == aid))).scalar_one()
            name = account.name
        proforma = await issue(sessions, cid, aid, sample("801", "1"))
        invoice = await issue(sessions, cid, aid, sample("802", "5"))
        await engine.dispose()
        env["ACCOUNT"] = name
        return proforma, invoice

    proforma_id, invoice_id = asyncio.run(prepare())
    runner = CliRunner()
    refused = runner.invoke(cli, ["documents", "export", str(invoice_id)], env=env)
    assert refused.exit_code == 1
    assert "shopsync account set" in refused.output

    supplier = [
        "account",
        "set",
        env["ACCOUNT"],
        "--name",
        "Teszt Értékesítő Kft.",
        "--tax-number",
        "12345678-2-41",
        "--postcode",
        "1037",
        "--city",
        "Budapest",
        "--address",
        "Bécsi út 52.",
    ]
    assert runner.invoke(cli, supplier, env=env).exit_code == 0
    bad = runner.invoke(cli, ["account", "set", env["ACCOUNT"], "--tax-number", "123"], env=env)
    assert bad.exit_code == 1 and "tax_number" in bad.output

    out = tmp_path / "invoice.xml"
    written = runner.invoke(
        cli,
        ["documents", "export", str(invoice_id), "--format", "nav-xml", "-o", str(out)],
        env=env,
    )
    assert written.exit_code == 0, written.output
    validate_invoice_data(out.read_bytes(), NAV_SCHEMAS)

    proforma = runner.invoke(cli, ["documents", "export", str(proforma_id)], env=env)
    assert proforma.exit_code == 1
    assert "proforma (díjbekérő)" in proforma.output and "no NAV export" in proforma.output
