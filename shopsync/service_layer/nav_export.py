"""The InvoiceData XML of an issued invoice or storno: the entry point NAV submission will use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.document_rows import lines_of
from shopsync.adapters.db.models import Account, Document, ShopConnection
from shopsync.adapters.nav.schema import NavSchemaError, validate_invoice_data
from shopsync.domain.budapest import budapest_day
from shopsync.domain.documents import DocumentKind
from shopsync.domain.nav_invoice import (
    Address,
    Customer,
    InvoiceReference,
    NavDataError,
    NavInvoice,
    PaymentMethod,
    customer_vat_status,
    invoice_data_xml,
    payment_method_for,
)
from shopsync.service_layer.accounts import AccountError, supplier_of
from shopsync.service_layer.exchange_rates import RateMissing, rate_on


class ExportRefused(Exception):
    """This document has no NAV export (or cannot have one yet); the message says why."""


async def export_invoice_data(session: AsyncSession, document_id: int) -> bytes:
    """The schema-valid InvoiceData XML of a final invoice or storno; ExportRefused otherwise."""
    document = _exportable(await _document(session, document_id), document_id)
    try:
        xml = invoice_data_xml(await _invoice(session, document))
        validate_invoice_data(xml)
    except (AccountError, RateMissing, NavDataError, NavSchemaError) as exc:
        raise ExportRefused(f"document {document_id} ({document.document_number}): {exc}") from exc
    return xml


async def _document(session: AsyncSession, document_id: int) -> Document | None:
    query = select(Document).options(selectinload(Document.lines)).where(Document.id == document_id)
    return (await session.execute(query)).scalar_one_or_none()


def _exportable(document: Document | None, document_id: int) -> Document:
    """The document, if it is a final invoice or storno; ExportRefused saying why otherwise."""
    if document is None:
        raise ExportRefused(f"no document {document_id}")
    if document.kind == DocumentKind.PROFORMA.value:
        raise ExportRefused(
            f"document {document_id} is a proforma (díjbekérő): it is not an invoice, "
            "so it is not reported to NAV and has no NAV export"
        )
    if document.draft or document.document_number is None or document.issued_at is None:
        raise ExportRefused(
            f"document {document_id} is a draft: finalize it first "
            f"(shopsync documents finalize {document_id})"
        )
    return document


async def _invoice(session: AsyncSession, document: Document) -> NavInvoice:
    account = await session.get(Account, document.account_id)
    connection = await session.get(ShopConnection, document.connection_id)
    assert account is not None and connection is not None
    assert document.document_number is not None and document.issued_at is not None
    original = await _original(session, document)
    issue_day = budapest_day(document.issued_at)
    # A storno reverses the invoice's supply: its delivery day, so its rate and HUF values.
    delivery_day = issue_day if original is None else budapest_day(original[1])
    return NavInvoice(
        number=document.document_number,
        issue_date=issue_day,
        delivery_date=delivery_day,
        currency=document.currency,
        exchange_rate=document.exchange_rate
        or await rate_on(session, document.currency, delivery_day),
        payment_method=_payment_method(document, connection),
        supplier=supplier_of(account),
        customer=_customer(document, connection),
        lines=lines_of(document.lines),
        zero_vat_case=connection.nav_zero_vat_case,
        reference=None if original is None else original[0],
    )


def _payment_method(document: Document, connection: ShopConnection) -> PaymentMethod:
    codes = connection.nav_payment_methods or {}
    return payment_method_for(document.payment_method, document.payment_method_code, codes)


def _customer(document: Document, connection: ShopConnection) -> Customer:
    address = _address(document.buyer_address or {})
    business = document.buyer_kind == "business"
    status = customer_vat_status(
        document.buyer_tax_number,
        business,
        address.country_code,
        connection.nav_customer_vat_status,
    )
    return Customer(status, document.buyer_name, document.buyer_tax_number, address)


def _address(fields: dict[str, str]) -> Address:
    return Address(
        fields.get("country_code", "") or "HU",
        fields.get("postcode", ""),
        fields.get("city", ""),
        fields.get("address", ""),
    )


async def _original(
    session: AsyncSession, document: Document
) -> tuple[InvoiceReference, datetime] | None:
    """A storno names its invoice; its index counts the chain's modifications up to it."""
    if document.references_document_id is None:
        return None
    original = await session.get(Document, document.references_document_id)
    if original is None or original.document_number is None or original.issued_at is None:
        raise NavDataError("the referenced invoice has no number")
    index = await session.scalar(
        select(func.count()).where(
            Document.references_document_id == original.id,
            Document.id <= document.id,
            Document.draft.is_(False),
        )
    )
    return InvoiceReference(original.document_number, int(index or 1)), original.issued_at
