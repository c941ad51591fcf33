"""What waits for an operator, counted in the database: dead letters not yet replayed (by the
consumer that gave them up) and orders held for review not yet released (by the field at fault).

Counted from the tables, not from counters, so that the gauges say "waiting" whatever process
wrote them and however long ago, and fall to zero when the operator replays or releases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import DeadLetterRow, HeldOrder


@dataclass(frozen=True)
class WaitingFailures:
    dead_letters: dict[str, int]  # consumer → dead letters not replayed
    held_orders: dict[str, int]  # field → holds not released


async def waiting_failures(session: AsyncSession) -> WaitingFailures:
    letters = select(DeadLetterRow.consumer, func.count()).where(
        DeadLetterRow.replayed_at.is_(None)
    )
    holds = select(HeldOrder.field, func.count()).where(HeldOrder.released_at.is_(None))
    return WaitingFailures(
        {c: n for c, n in (await session.execute(letters.group_by(DeadLetterRow.consumer))).all()},
        {f: n for f, n in (await session.execute(holds.group_by(HeldOrder.field))).all()},
    )
