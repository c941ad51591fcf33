"""Dead letters in the database: written when a consumer gives an event up, listed, replayed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from prometheus_client import Counter
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.failures import is_outage
from shopsync.adapters.db.models import DeadLetterRow
from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.kafka.records import DeadLetter

log = logging.getLogger(__name__)
TABLE = cast(Table, DeadLetterRow.__table__)
Send = Callable[[str, bytes, bytes], Awaitable[None]]


@dataclass
class DeadLetterSink:
    """Keeps a dead letter in the database (waiting out an outage), then on its topic."""

    sessions: async_sessionmaker[AsyncSession]
    send: Send
    topic: str
    counter: Counter
    retry_max_s: float = 5.0

    async def put(self, record: DeadLetter) -> None:
        await self._keep_through_outages(record)
        self.counter.inc()
        try:
            await self.send(self.topic, (record.key or "").encode(), encode(record))
        except Exception as exc:  # kept in the database; the topic copy is a convenience
            log.warning("dead letter %s not on %s: %r", record.event_id, self.topic, exc)

    async def _keep_through_outages(self, record: DeadLetter) -> None:
        delay = 0.2
        while True:
            try:
                return await self._keep(record)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                log.warning("dead letter %s waits for the database: %r", record.event_id, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_s)

    async def _keep(self, record: DeadLetter) -> None:
        async with self.sessions() as session:
            statement = insert_ignoring_conflicts(session, TABLE, ["event_id"])
            await session.execute(statement, [_row(record)])
            await session.commit()


def _row(record: DeadLetter) -> dict[str, Any]:
    """The record's fields are the table's columns (a fresh letter is not replayed yet)."""
    return {**record.model_dump(), "replayed_at": None}


async def dead_letters(
    session: AsyncSession, consumer: str, replayed: bool = False
) -> list[DeadLetterRow]:
    """A consumer's dead letters, oldest first; replayed ones only when asked."""
    query = select(DeadLetterRow).where(DeadLetterRow.consumer == consumer)
    if not replayed:
        query = query.where(DeadLetterRow.replayed_at.is_(None))
    return list((await session.execute(query.order_by(DeadLetterRow.id))).scalars())


async def mark_replayed(session: AsyncSession, ids: list[int]) -> None:
    await session.execute(
        update(DeadLetterRow).where(DeadLetterRow.id.in_(ids)).values(replayed_at=datetime.now(UTC))
    )
