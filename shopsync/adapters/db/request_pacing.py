"""One request budget per shop across processes: slots handed out by a database row.

Every process that calls a shop takes its next slot from `shop_request_slots` in one
atomic upsert (PostgreSQL and SQLite alike: the row is locked for the statement), so
catalog-sync, stock-sync and the CLI together keep to the shop's 3 requests/s. Slots are
read on the database's clock, so processes on different hosts need not agree on the time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shopsync.adapters.shoprenter.ratelimit import RequestPacer

#: Slots further apart than 1/3 s by this much: a sleeper that wakes a little late or a
#: request a little slow on the wire still leaves any four of them more than 1 s apart.
SAFETY = 1.15
#: A slot missed by more than this (a busy event loop) is given up and another taken.
LATE_S = 0.1
#: The database's time in Unix seconds, on each dialect.
NOW = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS FLOAT)",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}
TAKE = """
INSERT INTO shop_request_slots (shop, next_slot) VALUES (:shop, {now} + :hold + :gap)
ON CONFLICT (shop) DO UPDATE SET next_slot =
{later}(shop_request_slots.next_slot, {now} + :hold) + :gap
RETURNING next_slot - :gap, {now}
"""


class SharedShopPacer:
    """A shop's requests spaced `SAFETY / per_second` apart, whichever process sends them."""

    def __init__(self, engine: AsyncEngine, shop: str, per_second: float = 3.0) -> None:
        self._engine, self._shop = engine, shop
        self._interval = SAFETY / per_second
        dialect = engine.dialect.name
        later = "greatest" if dialect == "postgresql" else "max"
        self._take = text(TAKE.format(now=NOW[dialect], later=later))
        self._not_before = 0.0  # time.monotonic()

    async def acquire(self) -> None:
        for _ in range(3):  # a slot missed twice: send anyway rather than starve
            due = await self._next_due()
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if time.monotonic() - due <= LATE_S:
                return

    def pause(self, seconds: float) -> None:
        """The shop said slow down: the next slot this process takes pushes everyone back."""
        self._not_before = max(self._not_before, time.monotonic() + seconds)

    async def _next_due(self) -> float:
        """When (time.monotonic) the slot taken is due; counted from before the round trip,
        so a slow database makes it look late rather than early."""
        asked = time.monotonic()
        hold = max(0.0, self._not_before - asked)
        params = {"shop": self._shop, "hold": hold, "gap": self._interval}
        async with self._engine.begin() as connection:
            slot, now = (await connection.execute(self._take, params)).one()
        return asked + float(slot) - float(now)


def shared_pacers(engine: AsyncEngine) -> Callable[[str], RequestPacer]:
    """For RateLimiterRegistry.share_through: every shop paced through `engine`."""
    return lambda shop: SharedShopPacer(engine, shop)
