"""Stock levels changed by many movements at once: locked before any write, added in bulk."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import among_pairs
from shopsync.adapters.db.models import StockLevel

TABLE = cast(Table, StockLevel.__table__)
LevelKey = tuple[int, int]  # (warehouse id, product id)


async def lock_levels(session: AsyncSession, keys: set[LevelKey]) -> set[LevelKey]:
    """Lock the existing levels among `keys` (in key order); returns the ones that exist."""
    if not keys:
        return set()
    rows = await session.execute(_levels_of(keys).with_for_update())
    return {(r[0], r[1]) for r in rows} & keys


def _levels_of(keys: set[LevelKey]) -> Select[int, int]:
    """The levels of the keys' warehouses and products (the caller keeps the keys' own)."""
    query = select(TABLE.c.warehouse_id, TABLE.c.product_id)
    return among_pairs(query, TABLE.c.warehouse_id, TABLE.c.product_id, keys)


async def add_to_levels(
    session: AsyncSession, deltas: dict[LevelKey, Decimal], present: set[LevelKey]
) -> None:
    """Add each delta to its (locked) level in one statement; create the missing levels."""
    now = datetime.now(UTC)
    await _add_to_present(session, deltas, present, now)
    missing = [
        {"warehouse_id": w, "product_id": p, "quantity": delta, "updated_at": now}
        for (w, p), delta in deltas.items()
        if (w, p) not in present
    ]
    if missing:
        await session.execute(insert(TABLE), missing)


async def _add_to_present(
    session: AsyncSession, deltas: dict[LevelKey, Decimal], present: set[LevelKey], now: datetime
) -> None:
    """One executemany adding the non-zero deltas of the levels that exist."""
    updates = [
        {"w": w, "p": p, "d": delta, "now": now}
        for (w, p), delta in deltas.items()
        if (w, p) in present and delta
    ]
    if updates:
        await session.execute(
            update(TABLE)
            .where(TABLE.c.warehouse_id == bindparam("w"), TABLE.c.product_id == bindparam("p"))
            .values(quantity=TABLE.c.quantity + bindparam("d"), updated_at=bindparam("now")),
            updates,
        )
