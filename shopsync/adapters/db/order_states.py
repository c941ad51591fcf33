"""Order lifecycle states in the `order_states` table: loaded per batch, saved in its commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import among_pairs, insert_rows, is_postgresql
from shopsync.adapters.db.models import OrderStateRow
from shopsync.adapters.db.order_state_json import state_from_json, state_to_json
from shopsync.domain.order_state import OrderState

__all__ = [
    "OrderKey",
    "last_event_at",
    "load_states",
    "save_states",
    "state_from_json",
    "state_to_json",
]

OrderKey = tuple[int, str]  # (connection id, order ref)
TABLE = cast(Table, OrderStateRow.__table__)


async def load_states(
    session: AsyncSession, keys: Iterable[OrderKey]
) -> dict[OrderKey, OrderState]:
    """The stored states of these orders, locked for this transaction (PostgreSQL)."""
    wanted = set(keys)
    if not wanted:
        return {}
    query = _states_of(wanted)
    if is_postgresql(session):
        query = query.with_for_update()
    rows = await session.execute(query)
    return {(r[0], r[1]): state_from_json(r[2]) for r in rows if (r[0], r[1]) in wanted}


def _states_of(wanted: set[OrderKey]) -> Select[Any]:
    query = select(TABLE.c.connection_id, TABLE.c.order_ref, TABLE.c.state)
    return among_pairs(query, TABLE.c.connection_id, TABLE.c.order_ref, wanted)


async def save_states(
    session: AsyncSession, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
) -> None:
    """Write changed states by order; `stored` are the orders whose row exists already."""
    now = datetime.now(UTC)
    existing = set(stored)
    rows = [_row(key, state, now) for key, state in states.items()]
    await insert_rows(session, TABLE, [r for r in rows if _key(r) not in existing])
    await _update_rows(session, [r for r in rows if _key(r) in existing])


def _row(key: OrderKey, state: OrderState, now: datetime) -> dict[str, Any]:
    return {
        "connection_id": key[0],
        "order_ref": key[1],
        "state": state_to_json(state),
        "updated_at": now,
    }


async def _update_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    changed = [{**r, "c": r["connection_id"], "o": r["order_ref"]} for r in rows]
    await session.execute(
        update(TABLE)
        .where(TABLE.c.connection_id == bindparam("c"), TABLE.c.order_ref == bindparam("o"))
        .values(state=bindparam("state"), updated_at=bindparam("updated_at")),
        changed,
    )


def _key(row: dict[str, Any]) -> OrderKey:
    return (row["connection_id"], row["order_ref"])


async def last_event_at(session: AsyncSession, connection_id: int) -> datetime | None:
    """When the processor last saved an order of this connection: its latest order event."""
    query = select(func.max(TABLE.c.updated_at)).where(TABLE.c.connection_id == connection_id)
    at: datetime | None = (await session.execute(query)).scalar_one_or_none()
    return at
