"""Relaying committed outbox rows to Kafka, oldest first; at least once, consumers dedupe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import OutboxMessage

SendMany = Callable[[Sequence[tuple[str, bytes, bytes]]], Awaitable[None]]


@dataclass
class OutboxRelay:
    """Sends unsent outbox rows in batches and marks them sent once the broker acknowledged."""

    sessions: async_sessionmaker[AsyncSession]
    send_many: SendMany
    batch_size: int = 2000

    async def relay_pending(self) -> int:
        """Relay batches until the outbox is drained (or a batch comes back short)."""
        total = 0
        while (sent := await self.relay_once()) > 0:
            total += sent
            if sent < self.batch_size:
                break
        return total

    async def relay_once(self) -> int:
        """Relay one batch; returns how many messages went out."""
        async with self.sessions() as session:
            rows = await self._pending(session)
            if not rows:
                return 0
            await self.send_many(
                [(topic, key.encode(), value.encode()) for _, topic, key, value in rows]
            )
            await _mark_sent(session, [row[0] for row in rows])
            await session.commit()
            return len(rows)

    async def _pending(self, session: AsyncSession) -> Sequence[Row[int, str, str, str]]:
        """The oldest unsent rows, locked: a second relay skips them and takes others."""
        return (await session.execute(_oldest_unsent(self.batch_size))).all()

    async def unsent(self) -> int:
        """How many messages wait to be relayed."""
        async with self.sessions() as session:
            unsent = select(func.count()).where(OutboxMessage.sent_at.is_(None))
            return int(await session.scalar(unsent) or 0)


def _oldest_unsent(limit: int) -> Select[int, str, str, str]:
    message = OutboxMessage
    return (
        select(message.id, message.topic, message.key, message.payload)
        .where(message.sent_at.is_(None))
        .order_by(message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def _mark_sent(session: AsyncSession, ids: list[int]) -> None:
    now = datetime.now(UTC)
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(sent_at=now)
    )
