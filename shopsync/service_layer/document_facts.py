"""A stored document's facts as its page needs them: parties, dates, payment, lines, rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.document_rows import lines_of
from shopsync.adapters.db.models import Account, Document, ShopConnection
from shopsync.domain.budapest import budapest_day
from shopsync.domain.documents import DocumentKind
from shopsync.domain.invoice_page import DocumentFacts, Original, Party, Payment, fulfilment_day
from shopsync.domain.invoice_vat import SoldLine
from shopsync.domain.nav_invoice import Address, payment_method_for
from shopsync.domain.payment_terms import due_days, method_name
from shopsync.service_layer.accounts import eu_vat_number_of, supplier_of
from shopsync.service_layer.exchange_rates import rate_on


async def document_facts(session: AsyncSession, document: Document) -> DocumentFacts:
    """Everything the page shows; AccountError, RateMissing or NavDataError when it lacks some."""
    account = await session.get(Account, document.account_id)
    connection = await session.get(ShopConnection, document.connection_id)
    assert account is not None and connection is not None
    original = await _original(session, document)
    issued_at = document.issued_at or document.created_at  # a draft: its creation
    issue_day = budapest_day(issued_at)
    return DocumentFacts(
        kind=DocumentKind(document.kind),
        draft=document.draft,
        number=document.document_number or "",
        order_ref=document.order_ref,
        issued_at=issued_at,
        issue_day=issue_day,
        supplier=_supplier(account),
        buyer=_buyer(document),
        currency=document.currency,
        lines=_lines(document),
        totals=(document.total_net, document.total_vat, document.total_gross),
        payment=_payment(document, connection),
        zero_vat_case=connection.nav_zero_vat_case,
        huf_rate=await _huf_rate(session, document, fulfilment_day(issue_day, original)),
        original=original,
        proforma_number=await _number_of(session, document.follows_document_id),
    )


async def _huf_rate(session: AsyncSession, document: Document, day: date) -> Decimal:
    """The rate the document was issued with; an older one's from the rates of its day."""
    if document.exchange_rate is not None:
        return document.exchange_rate
    return await rate_on(session, document.currency, day)


def _supplier(account: Account) -> Party:
    supplier = supplier_of(account)
    return Party(
        supplier.name,
        _address_text(supplier.address),
        tax_number=supplier.tax_number,
        eu_vat_number=eu_vat_number_of(account),
        bank_account=supplier.bank_account,
    )


def _buyer(document: Document) -> Party:
    fields = document.buyer_address or {}
    address = Address(
        fields.get("country_code", "") or "HU",
        fields.get("postcode", ""),
        fields.get("city", ""),
        fields.get("address", ""),
    )
    text = _address_text(address, fields.get("country", ""))
    return Party(document.buyer_name, text, tax_number=document.buyer_tax_number)


def _address_text(address: Address, country: str = "") -> str:
    """4025 Debrecen, Petőfi tér 1. — with the country when it is not Hungary."""
    place = " ".join(part for part in (address.postcode, address.city) if part)
    abroad = address.country_code != "HU" and (country or address.country_code)
    return ", ".join(part for part in (place, address.street, abroad or "") if part)


def _lines(document: Document) -> tuple[SoldLine, ...]:
    units = [row.unit for row in document.lines]
    return tuple(
        SoldLine(line, unit) for line, unit in zip(lines_of(document.lines), units, strict=True)
    )


def _payment(document: Document, connection: ShopConnection) -> Payment:
    name, code = document.payment_method, document.payment_method_code
    method = payment_method_for(name, code, connection.nav_payment_methods or {})
    days = due_days(name, code, method, connection.payment_due_days)
    return Payment(method_name(name, method), days)


async def _original(session: AsyncSession, document: Document) -> Original | None:
    """The invoice a storno reverses: its number and its Budapest day of issue."""
    if document.references_document_id is None:
        return None
    original = await session.get(Document, document.references_document_id)
    if original is None or original.document_number is None or original.issued_at is None:
        return None
    return Original(original.document_number, budapest_day(original.issued_at))


async def _number_of(session: AsyncSession, document_id: int | None) -> str:
    other = None if document_id is None else await session.get(Document, document_id)
    return (other.document_number or "") if other is not None else ""
