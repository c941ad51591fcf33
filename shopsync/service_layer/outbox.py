"""Relaying committed outbox rows to Kafka, oldest first; at least once, consumers dedupe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import OutboxMessage

SendMany = Callable[[Sequence[tuple[str, bytes, bytes]]], Awaitable[None]]


class OutboxRelay:
    """Sends unsent outbox rows in batches and marks them sent once the broker acknowledged."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send_many: SendMany,
        batch_size: int = 2000,
    ) -> None:
        self._sessions = sessions
        self._send_many = send_many
        self._batch_size = batch_size

    async def relay_pending(self) -> int:
        """Relay batches until the outbox is drained (or a batch comes back short)."""
        total = 0
        while (sent := await self.relay_once()) > 0:
            total += sent
            if sent < self._batch_size:
                break
        return total

    async def relay_once(self) -> int:
        """Relay one batch; returns how many messages went out."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(
                        OutboxMessage.id,
                        OutboxMessage.topic,
                        OutboxMessage.key,
                        OutboxMessage.payload,
                    )
                    .where(OutboxMessage.sent_at.is_(None))
                    .order_by(OutboxMessage.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)  # a second relay takes other rows
                )
            ).all()
            if not rows:
                return 0
            await self._send_many(
                [(topic, key.encode(), payload.encode()) for _, topic, key, payload in rows]
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row[0] for row in rows]))
                .values(sent_at=datetime.now(UTC))
            )
            await session.commit()
            return len(rows)

    async def unsent(self) -> int:
        """How many messages wait to be relayed."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
            return int(count or 0)
