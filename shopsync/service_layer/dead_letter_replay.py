"""Replaying dead letters once their cause is fixed: back to their topic, then marked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.dead_letters import mark_replayed
from shopsync.adapters.db.models import DeadLetterRow
from shopsync.adapters.kafka.resend import StoredEvent

#: Sends events to their topics and says what failed (nothing: every one acknowledged).
Resend = Callable[[Sequence[StoredEvent]], list[str]]


class ReplayFailed(Exception):
    """Some events could not be sent; none of them is marked replayed."""


def stored_event(row: DeadLetterRow) -> StoredEvent:
    return StoredEvent(row.source_topic, row.key, row.payload)


async def replay_dead_letters(session: AsyncSession, resend: Resend, ids: list[int]) -> int:
    """Send the unreplayed letters among `ids` back and mark them (the caller commits);
    handling is idempotent, so a repeat is safe. How many were replayed."""
    query = select(DeadLetterRow).where(
        DeadLetterRow.id.in_(ids), DeadLetterRow.replayed_at.is_(None)
    )
    rows = list((await session.execute(query)).scalars())
    if not rows:
        return 0
    failures = await asyncio.to_thread(resend, [stored_event(r) for r in rows])
    if failures:
        raise ReplayFailed(f"{len(failures)} of {len(rows)} events not sent ({failures[0]})")
    await mark_replayed(session, [r.id for r in rows])
    return len(rows)
