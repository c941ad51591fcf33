"""Issuing, finalizing and cancelling documents inside a unit of work (with the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from shopsync.db.models import (
    Document,
    DocumentLine,
    Product,
    ShopConnection,
    SkuMiss,
    StockLevel,
    StockMovement,
)
from shopsync.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.documents import DocumentDraft, DocumentKind, Line, LineKind, storno_of
from shopsync.domain.orders import Order
from shopsync.events import DocumentIssued, StockMoved
from shopsync.kafka.topics import DOCUMENTS_ISSUED, STOCK_MOVEMENTS
from shopsync.numbering import format_number, take_number

DocumentKindName = Literal["invoice", "proforma", "storno"]


class DocumentError(Exception):
    """A document operation that cannot be done; the message says why."""


def series_of(connection: ShopConnection, kind: DocumentKind) -> str:
    # A storno is an invoice: it takes the next number of the invoice series.
    return (
        connection.proforma_series if kind == DocumentKind.PROFORMA else connection.invoice_series
    )


def numbering_kind(kind: DocumentKind) -> str:
    return "proforma" if kind == DocumentKind.PROFORMA else "invoice"


def document_row(
    connection: ShopConnection, order: Order, draft: DocumentDraft, as_draft: bool, now: datetime
) -> dict[str, Any]:
    """The document's columns (unnumbered), shared by the one-event and the batch paths."""
    return {
        "account_id": connection.account_id,
        "connection_id": connection.id,
        "order_ref": order.order_id,
        "order_status": order.status_id,
        "kind": draft.kind.value,
        "draft": as_draft,
        "series": series_of(connection, draft.kind),
        "number": None,
        "document_number": None,
        "buyer_name": order.buyer.name,
        "buyer_tax_number": order.buyer.tax_number,
        "buyer_kind": connection.orders_buyer_kind
        or ("business" if order.buyer.is_business else "private"),
        "buyer_email": order.buyer.email,
        "buyer_address": {
            "country": order.buyer.country,
            "country_code": order.buyer.country_code,
            "postcode": order.buyer.postcode,
            "city": order.buyer.city,
            "address": order.buyer.address,
        },
        "currency": draft.currency,
        "payment_method": order.payment_method[:200],
        "payment_method_code": order.payment_method_code[:50],
        "total_net": draft.total_net,
        "total_vat": draft.total_vat,
        "total_gross": draft.total_gross,
        "created_at": now,
        "issued_at": None,
        "email_status": "not_requested",
        "email_attempts": 0,
    }


def line_rows(draft: DocumentDraft) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "line_kind": line.kind.value,
            "name": line.name[:500],
            "sku": line.sku[:100],
            "quantity": line.quantity,
            "unit_net_price": line.unit_net_price,
            "vat_rate": line.vat_rate,
            "net": line.net,
            "vat": line.vat,
            "gross": line.gross,
        }
        for position, line in enumerate(draft.lines, 1)
    ]


def final_fields(
    connection: ShopConnection, series: str, buyer_email: str, number: int, now: datetime
) -> dict[str, Any]:
    """What numbering a document changes: number, issue time, final, e-mail owed."""
    return {
        "number": number,
        "document_number": format_number(series, number),
        "issued_at": now,
        "draft": False,
        "email_status": "requested" if connection.orders_email and buyer_email else "not_requested",
    }


async def issue(
    uow: SqlAlchemyUnitOfWork,
    connection: ShopConnection,
    order: Order,
    draft: DocumentDraft,
    as_draft: bool,
    references: int | None = None,
) -> Document:
    """Insert the document (numbered unless a draft) and emit DocumentIssued via the outbox."""
    now = datetime.now(UTC)
    document = Document(
        **document_row(connection, order, draft, as_draft, now), references_document_id=references
    )
    document.lines = [DocumentLine(**row) for row in line_rows(draft)]
    uow.session.add(document)
    if not as_draft:
        await _number(uow.session, connection, document, now)
    await uow.session.flush()
    _emit_issued(uow, connection, document)
    return document


async def _number(
    session: AsyncSession, connection: ShopConnection, document: Document, now: datetime
) -> None:
    kind = DocumentKind(document.kind)
    number = await take_number(
        session, connection.account_id, numbering_kind(kind), document.series
    )
    for name, value in final_fields(
        connection, document.series, document.buyer_email, number, now
    ).items():
        setattr(document, name, value)


def _emit_issued(uow: SqlAlchemyUnitOfWork, connection: ShopConnection, document: Document) -> None:
    uow.emit(
        DOCUMENTS_ISSUED,
        f"{connection.id}:{document.order_ref}",
        DocumentIssued(
            event_id=f"document:{document.id}:{'draft' if document.draft else 'final'}",
            document_id=document.id,
            account_id=connection.account_id,
            connection_id=connection.id,
            order_ref=document.order_ref,
            kind=cast(DocumentKindName, document.kind),
            draft=document.draft,
            document_number=document.document_number,
            currency=document.currency,
            total_gross=document.total_gross,
            issued_at=document.issued_at or document.created_at,
        ),
    )


async def finalize(uow: SqlAlchemyUnitOfWork, document_id: int) -> Document:
    """Give a draft its number; from then on it is final (and e-mailed if so configured)."""
    document = await uow.session.get(Document, document_id)
    if document is None:
        raise DocumentError(f"no document {document_id}")
    if not document.draft:
        raise DocumentError(f"document {document_id} is already final ({document.document_number})")
    connection = await uow.session.get(ShopConnection, document.connection_id)
    assert connection is not None
    await _number(uow.session, connection, document, datetime.now(UTC))
    await uow.session.flush()
    _emit_issued(uow, connection, document)
    return document


async def cancel(
    uow: SqlAlchemyUnitOfWork, connection: ShopConnection, order: Order
) -> Document | None:
    """Storno the order's final invoice and return its stock; None when there is nothing to do."""
    session = uow.session
    original = (
        await session.execute(
            select(Document)
            .options(selectinload(Document.lines))
            .where(
                Document.connection_id == connection.id,
                Document.order_ref == order.order_id,
                Document.kind == DocumentKind.INVOICE.value,
            )
        )
    ).scalar_one_or_none()
    if original is None or original.draft:
        return None
    storno = await issue(
        uow,
        connection,
        order,
        storno_of(_draft_of(original)),
        as_draft=False,
        references=original.id,
    )
    movements = (
        (
            await session.execute(
                select(StockMovement).where(StockMovement.document_id == original.id)
            )
        )
        .scalars()
        .all()
    )
    for movement in movements:
        await _move(
            uow,
            connection,
            storno,
            movement.warehouse_id,
            movement.product_id,
            await _sku(session, movement.product_id),
            -movement.quantity,
            "storno",
        )
    return storno


def lines_of(document: Document) -> tuple[Line, ...]:
    """The stored lines (loaded with the document) as the domain's Line values."""
    return tuple(
        Line(
            LineKind(r.line_kind),
            r.name,
            r.sku,
            r.quantity,
            r.unit_net_price,
            r.vat_rate,
            r.net,
            r.vat,
            r.gross,
        )
        for r in document.lines
    )


def _draft_of(document: Document) -> DocumentDraft:
    return DocumentDraft(
        DocumentKind(document.kind),
        document.currency,
        lines_of(document),
        document.total_net,
        document.total_vat,
        document.total_gross,
    )


async def _sku(session: AsyncSession, product_id: int) -> str:
    product = await session.get(Product, product_id)
    return product.sku if product is not None else ""


async def move_stock_for_order(
    uow: SqlAlchemyUnitOfWork, connection: ShopConnection, document: Document, order: Order
) -> int:
    """Move each known SKU out of the chosen warehouse; record the unknown ones. → misses."""
    session = uow.session
    warehouse_id = connection.orders_stock_warehouse_id
    assert warehouse_id is not None
    skus = {item.sku for item in order.items if item.sku}
    products = (
        {
            p.sku: p
            for p in (
                await session.execute(
                    select(Product).where(
                        Product.account_id == connection.account_id, Product.sku.in_(skus)
                    )
                )
            ).scalars()
        }
        if skus
        else {}
    )
    misses = 0
    for item in order.items:
        product = products.get(item.sku)
        if product is None:
            session.add(
                SkuMiss(
                    document_id=document.id,
                    connection_id=connection.id,
                    order_ref=order.order_id,
                    sku=item.sku or "(no SKU)",
                )
            )
            misses += 1
            continue
        await _move(
            uow, connection, document, warehouse_id, product.id, item.sku, -item.quantity, "order"
        )
    return misses


async def _move(
    uow: SqlAlchemyUnitOfWork,
    connection: ShopConnection,
    document: Document,
    warehouse_id: int,
    product_id: int,
    sku: str,
    quantity: Decimal,
    reason: str,
) -> None:
    session = uow.session
    movement = StockMovement(
        account_id=connection.account_id,
        warehouse_id=warehouse_id,
        product_id=product_id,
        quantity=quantity,
        reason=reason,
        document_id=document.id,
        note=f"{reason} {document.order_ref}",
        created_at=datetime.now(UTC),
    )
    session.add(movement)
    level = await session.get(StockLevel, (warehouse_id, product_id))
    if level is None:
        session.add(StockLevel(warehouse_id=warehouse_id, product_id=product_id, quantity=quantity))
    else:
        level.quantity += quantity
    await session.flush()
    uow.emit(
        STOCK_MOVEMENTS,
        f"{connection.account_id}:{sku}",
        StockMoved(
            event_id=f"movement:{movement.id}",
            movement_id=movement.id,
            account_id=connection.account_id,
            warehouse_id=warehouse_id,
            sku=sku or "?",
            quantity=quantity,
            reason="storno" if reason == "storno" else "order",
            document_id=document.id,
            created_at=movement.created_at,
        ),
    )
