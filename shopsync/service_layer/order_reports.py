"""One order as ShopSync knows it, for `shopsync orders show`: statuses, documents, stock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document, SkuMiss, Warehouse
from shopsync.adapters.db.order_states import load_states
from shopsync.service_layer.shops import require_connection


class OrderNotFound(Exception):
    """ShopSync has never seen this order; the message says so."""


async def order_report(
    session: AsyncSession, connection_name: str, order_id: str, account: str | None = None
) -> dict[str, Any]:
    connection = await require_connection(session, connection_name, account)
    key = (connection.id, order_id)
    state = (await load_states(session, [key])).get(key)
    documents = (
        (
            await session.execute(
                select(Document)
                .where(Document.connection_id == connection.id, Document.order_ref == order_id)
                .order_by(Document.id)
            )
        )
        .scalars()
        .all()
    )
    if state is None and not documents:
        raise OrderNotFound(f"no order {order_id!r} of {connection_name!r} has reached ShopSync")
    misses = (
        await session.execute(
            select(SkuMiss.sku, SkuMiss.document_id).where(
                SkuMiss.connection_id == connection.id, SkuMiss.order_ref == order_id
            )
        )
    ).all()
    warehouses = dict((await session.execute(select(Warehouse.id, Warehouse.name))).all())
    return {
        "connection": connection_name,
        "order": order_id,
        "last_status": None if state is None else state.last_status_id,
        "last_status_at": None if state is None else state.last_status_at,
        "documents": [
            {
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
            for d in documents
        ],
        "stock_held": [
            {
                "warehouse": warehouses.get(h.key.warehouse_id, str(h.key.warehouse_id)),
                "sku": h.key.sku,
                "quantity": h.quantity,
            }
            for h in (() if state is None else state.stock)
        ],
        "skus_not_found": sorted({sku for sku, _ in misses}),
        "history": [
            {"status": e.status_id, "at": e.status_at, "result": e.result, "note": e.note}
            for e in (() if state is None else state.history)
        ],
    }
