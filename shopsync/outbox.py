"""Relaying committed outbox rows to Kafka, oldest first; at least once, consumers dedupe."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.db.models import OutboxMessage

Send = Callable[[str, bytes, bytes], Awaitable[None]]


class OutboxRelay:
    """Sends unsent outbox rows in batches and marks them sent once the broker acknowledged."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], send: Send, batch_size: int = 500
    ) -> None:
        self._sessions = sessions
        self._send = send
        self._batch_size = batch_size

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
                )
            ).all()
            if not rows:
                return 0
            await asyncio.gather(
                *(
                    self._send(topic, key.encode(), payload.encode())
                    for _, topic, key, payload in rows
                )
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row[0] for row in rows]))
                .values(sent_at=datetime.now(UTC))
            )
            await session.commit()
            return len(rows)
