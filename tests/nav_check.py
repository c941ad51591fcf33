"""Every invoice and storno a test database holds must export as schema-valid NAV XML.

Fixtures that own a database call `check_nav_exports(url)` before dropping it: whatever the
tests issued there — through the handler, the batch path, the real processor process — is
exported with the same entry point NAV submission will use and validated against NAV's
schemas (tests/fixtures/nav_schemas). Settings the export needs and the tests had no reason to
give (supplier data, the 0% VAT case, a EUR rate) are filled in first, as a user would.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account, Document, ExchangeRate, ShopConnection
from shopsync.adapters.nav.schema import validate_invoice_data
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.exchange_rates import set_rate
from shopsync.service_layer.nav_export import export_invoice_data
from tests.support import ROOT

#: NAV's own schemas, a copy of their own kept with the tests (the package ships its copy).
NAV_SCHEMAS = ROOT / "tests" / "fixtures" / "nav_schemas"
TEST_SUPPLIER = {
    "name": "Teszt Értékesítő Kft.",
    "tax_number": "12345678-2-41",
    "postcode": "1037",
    "city": "Budapest",
    "address": "Bécsi út 52.",
    "bank_account": "12345678-12345678-12345678",
}
#: Documents validated per database fixture, for the run's summary line.
EXPORTED: dict[str, int] = {}


async def check_nav_exports(url: str, label: str) -> int:
    """Export and validate every final invoice and storno in the database; returns how many."""
    engine = create_engine(url)
    failures: list[str] = []
    try:
        async with session_factory(engine)() as session:
            for account in (await session.scalars(select(Account))).all():
                if not (account.settings or {}).get("supplier"):
                    set_supplier(account, TEST_SUPPLIER)
            for connection in (await session.scalars(select(ShopConnection))).all():
                connection.nav_zero_vat_case = connection.nav_zero_vat_case or "TAM"
            currencies = set(
                (await session.scalars(select(Document.currency).distinct())).all()
            ) - {"HUF"}
            for currency in currencies:
                if await session.get(ExchangeRate, (currency, date(2000, 1, 1))) is None:
                    await set_rate(session, currency, date(2000, 1, 1), Decimal("391.25"))
            await session.commit()
            ids = (
                await session.scalars(
                    select(Document.id)
                    .where(
                        Document.kind.in_(["invoice", "storno"]),
                        Document.draft.is_(False),
                        Document.document_number.is_not(None),  # issued, not a bare test row
                    )
                    .order_by(Document.id)
                )
            ).all()
            for document_id in ids:
                try:
                    xml = await export_invoice_data(session, document_id)
                    validate_invoice_data(xml, NAV_SCHEMAS)
                except Exception as exc:  # collected: one report naming every failure
                    failures.append(f"document {document_id}: {exc}")
    finally:
        await engine.dispose()
    assert not failures, f"{len(failures)} of {len(ids)} NAV exports failed:\n" + "\n".join(
        failures[:20]
    )
    EXPORTED[label] = EXPORTED.get(label, 0) + len(ids)
    return len(ids)
