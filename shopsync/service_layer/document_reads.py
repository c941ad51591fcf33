"""The documents as the CLI and the console show them: a summary for lists, the details for one."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.document_rows import lines_of
from shopsync.adapters.db.models import Document, ShopConnection, SkuMiss, StockMovement
from shopsync.adapters.db.nav_report_reads import nav_view
from shopsync.adapters.db.writebacks import writeback_view
from shopsync.adapters.mail.relay import reference_of
from shopsync.domain.documents import round_money

NOT_FOUND_WHY = "no product of the account has this SKU: no stock moved"


def _money(amount: Decimal, currency: str) -> str:
    return str(round_money(amount, currency))


def _totals(document: Document) -> dict[str, str]:
    """Net, VAT and gross, rounded as the document's currency is."""
    return {
        "total_net": _money(document.total_net, document.currency),
        "total_vat": _money(document.total_vat, document.currency),
        "total_gross": _money(document.total_gross, document.currency),
    }


def document_summary(document: Document, connection_name: str) -> dict[str, Any]:
    """Whose document, of which order, what kind, how much and whether it was e-mailed."""
    return {
        "id": document.id,
        "connection": connection_name,
        "order_ref": document.order_ref,
        "order_status": document.order_status,
        "kind": document.kind,
        "status": document.status,
        "draft": document.draft,
        "number": document.document_number,
        "buyer": document.buyer_name,
        "buyer_kind": document.buyer_kind,
        "currency": document.currency,
        **_totals(document),
        "email_status": document.email_status,
        "email_error": document.email_error,
        "created_at": document.created_at,
    }


async def newest_documents(
    session: AsyncSession, connection_name: str | None, limit: int
) -> list[dict[str, Any]]:
    """The `limit` newest documents' summaries, of one connection if it is named."""
    query = (
        select(Document, ShopConnection.name)
        .join(ShopConnection, ShopConnection.id == Document.connection_id)
        .order_by(Document.id.desc())
        .limit(limit)
    )
    if connection_name:
        query = query.where(ShopConnection.name == connection_name)
    return [document_summary(d, n) for d, n in (await session.execute(query)).all()]


async def document_details(session: AsyncSession, document_id: int) -> dict[str, Any] | None:
    """One document with buyer, lines, stock movements, SKUs not found and its write-back to
    the shop's order; None if there is no such document."""
    document = (
        await session.execute(
            select(Document).options(selectinload(Document.lines)).where(Document.id == document_id)
        )
    ).scalar_one_or_none()
    if document is None:
        return None
    return {
        **await _with_buyer(session, document),
        "lines": [asdict(line) for line in lines_of(document.lines)],
        "stock_movements": await _movements(session, document_id),
        "skus_not_found": await _misses(session, document_id),
        "writeback": await writeback_view(session, document_id),
        "nav": await nav_view(session, document_id),
    }


async def _with_buyer(session: AsyncSession, document: Document) -> dict[str, Any]:
    """The summary, the buyer's tax number, e-mail and address, and the order's reference."""
    connection = await session.get(ShopConnection, document.connection_id)
    assert connection is not None
    return {
        **document_summary(document, connection.name),
        "buyer_tax_number": document.buyer_tax_number,
        "buyer_email": document.buyer_email,
        "buyer_address": document.buyer_address,
        "reference": await reference_of(session, document),
    }


async def _movements(session: AsyncSession, document_id: int) -> list[dict[str, Any]]:
    movements = (
        await session.execute(select(StockMovement).where(StockMovement.document_id == document_id))
    ).scalars()
    return [
        {
            "warehouse_id": m.warehouse_id,
            "product_id": m.product_id,
            "quantity": m.quantity,
            "reason": m.reason,
        }
        for m in movements
    ]


async def _misses(session: AsyncSession, document_id: int) -> list[dict[str, str]]:
    misses = (
        await session.execute(select(SkuMiss).where(SkuMiss.document_id == document_id))
    ).scalars()
    return [{"sku": m.sku, "why": NOT_FOUND_WHY} for m in misses]
