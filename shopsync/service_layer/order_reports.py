"""One order as ShopSync knows it, for `shopsync orders show`: statuses, documents, stock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document, SkuMiss, Warehouse
from shopsync.adapters.db.order_states import load_states
from shopsync.domain.order_state import OrderState
from shopsync.service_layer.shops import require_connection


class OrderNotFound(Exception):
    """ShopSync has never seen this order; the message says so."""


async def order_report(
    session: AsyncSession, connection_name: str, order_id: str, account: str | None = None
) -> dict[str, Any]:
    """The order's last status, documents, stock it holds, SKUs not found and history."""
    connection = await require_connection(session, connection_name, account)
    key = (connection.id, order_id)
    state = (await load_states(session, [key])).get(key)
    documents = await _documents(session, key)
    if state is None and not documents:
        raise OrderNotFound(f"no order {order_id!r} of {connection_name!r} has reached ShopSync")
    return {
        "connection": connection_name,
        "order": order_id,
        "last_status": None if state is None else state.last_status_id,
        "last_status_at": None if state is None else state.last_status_at,
        "documents": [_document(d) for d in documents],
        "stock_held": await _stock_held(session, state),
        "skus_not_found": await _skus_not_found(session, key),
        "history": [
            {"status": e.status_id, "at": e.status_at, "result": e.result, "note": e.note}
            for e in (() if state is None else state.history)
        ],
    }


async def _documents(session: AsyncSession, key: tuple[int, str]) -> list[Document]:
    query = (
        select(Document)
        .where(Document.connection_id == key[0], Document.order_ref == key[1])
        .order_by(Document.id)
    )
    return list((await session.execute(query)).scalars())


def _document(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "generation": d.generation,
        "number": d.document_number,
        "draft": d.draft,
        "status": d.status,
        "total_gross": d.total_gross,
        "currency": d.currency,
        "follows_document_id": d.follows_document_id,
        "references_document_id": d.references_document_id,
    }


async def _stock_held(session: AsyncSession, state: OrderState | None) -> list[dict[str, Any]]:
    if state is None or not state.stock:
        return []
    names = dict((await session.execute(select(Warehouse.id, Warehouse.name))).all())
    return [
        {
            "warehouse": names.get(h.key.warehouse_id, str(h.key.warehouse_id)),
            "sku": h.key.sku,
            "quantity": h.quantity,
        }
        for h in state.stock
    ]


async def _skus_not_found(session: AsyncSession, key: tuple[int, str]) -> list[str]:
    query = select(SkuMiss.sku).where(SkuMiss.connection_id == key[0], SkuMiss.order_ref == key[1])
    return sorted(set((await session.execute(query)).scalars()))
