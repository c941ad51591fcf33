"""Each connection's reconciliation mark, and which polled events the inbox already holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import OrderReconcileMark, ProcessedEvent
from shopsync.domain.order_reconciling import ReconcileMark


@dataclass
class SqlAlchemyReconcileStore:
    """Marks in `order_reconcile_marks`; each read or write is a transaction of its own."""

    sessions: async_sessionmaker[AsyncSession]

    async def mark(self, connection_id: int) -> ReconcileMark | None:
        async with self.sessions() as session:
            return await stored_mark(session, connection_id)

    async def save(self, connection_id: int, mark: ReconcileMark) -> None:
        async with self.sessions() as session:
            await save_mark(session, connection_id, mark)
            await session.commit()

    async def handled(self, consumer: str, event_ids: set[str]) -> set[str]:
        """The ids among these that `consumer` has already handled (its inbox holds them)."""
        if not event_ids:
            return set()
        query = select(ProcessedEvent.event_id).where(
            ProcessedEvent.consumer == consumer, ProcessedEvent.event_id.in_(event_ids)
        )
        async with self.sessions() as session:
            return set((await session.execute(query)).scalars())


async def save_mark(session: AsyncSession, connection_id: int, mark: ReconcileMark) -> None:
    """Write the connection's mark in the session's transaction (created if it has none)."""
    row = await session.get(OrderReconcileMark, connection_id)
    if row is None:
        row = OrderReconcileMark(connection_id=connection_id)
        session.add(row)
    row.reconciled_until = mark.reconciled_until
    row.pass_started_at = mark.pass_started_at
    row.next_page = mark.next_page


async def stored_mark(session: AsyncSession, connection_id: int) -> ReconcileMark | None:
    row = await session.get(OrderReconcileMark, connection_id)
    return None if row is None else _mark(row)


def _mark(row: OrderReconcileMark) -> ReconcileMark:
    return ReconcileMark(row.reconciled_until, row.pass_started_at, row.next_page)
