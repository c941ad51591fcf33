"""Orders held for review, in the `held_orders` table: kept, listed, released."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.models import HeldOrder
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.order_reading import OrderRejected

TABLE = cast(Table, HeldOrder.__table__)


def held_row(connection_id: int, event: OrderReceived, rejected: OrderRejected) -> dict[str, Any]:
    return {
        "connection_id": connection_id,
        "order_ref": event.order_id,
        "event_id": event.event_id,
        "status_id": event.status_id,
        "field": rejected.field[:100],
        "value": rejected.value[:200],
        "reason": rejected.reason,
        "event": event.model_dump_json(),
        "held_at": datetime.now(UTC),
        "released_at": None,
    }


async def keep_held(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Hold these (in the caller's transaction); an event held before stays held once."""
    if rows:
        await session.execute(insert_ignoring_conflicts(session, TABLE, ["event_id"]), rows)


async def open_holds(
    session: AsyncSession, connection_id: int | None = None, order_ref: str | None = None
) -> list[HeldOrder]:
    query = select(HeldOrder).where(HeldOrder.released_at.is_(None)).order_by(HeldOrder.id)
    if connection_id is not None:
        query = query.where(HeldOrder.connection_id == connection_id)
    if order_ref is not None:
        query = query.where(HeldOrder.order_ref == order_ref)
    return list((await session.execute(query)).scalars())


async def mark_released(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(
        update(HeldOrder).where(HeldOrder.id.in_(ids)).values(released_at=datetime.now(UTC))
    )
