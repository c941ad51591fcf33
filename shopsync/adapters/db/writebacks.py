"""Each document's write-back state in `document_writebacks`; every call its own transaction.

An attempt is claimed by one atomic update (attempts + 1, a lease on `next_at`), so two
workers that both think they own a shop never write the same document at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, case, false, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.models import DocumentWriteback
from shopsync.domain.document_writeback import LEASE, WritebackJob, WritebackState

TABLE = cast(Table, DocumentWriteback.__table__)
OPEN = (WritebackState.PENDING.value, WritebackState.FAILED.value)


@dataclass
class SqlAlchemyWritebackStore:
    sessions: async_sessionmaker[AsyncSession]

    async def record(self, job: WritebackJob, now: datetime) -> None:
        """The document's write-back, due now; a document recorded before is left as it is."""
        async with self.sessions() as session:
            statement = insert_ignoring_conflicts(session, TABLE, ["document_id"])
            await session.execute(statement, [_new_row(job, now)])
            await session.commit()

    async def withdraw(self, document_id: int, now: datetime) -> bool:
        """The document was voided: its row is to leave the shop; False if it was never due."""
        query = _open_or_done(document_id).values(withdraw=True, state="pending", next_at=now)
        return await self._changed(query)

    async def due(self, connection_id: int, now: datetime, limit: int = 50) -> list[int]:
        """The connection's documents whose attempt is due, the longest waiting first."""
        query = (
            select(DocumentWriteback.document_id)
            .where(DocumentWriteback.connection_id == connection_id)
            .where(DocumentWriteback.state.in_(OPEN), DocumentWriteback.next_at <= now)
            .order_by(DocumentWriteback.next_at)
            .limit(limit)
        )
        async with self.sessions() as session:
            return list((await session.execute(query)).scalars())

    async def claim(self, document_id: int, now: datetime) -> WritebackJob | None:
        """Begin an attempt (counted, leased) unless another began it or it is not due."""
        claimed = await self._changed(_claim(document_id, now))
        return await self.job(document_id) if claimed else None

    async def job(self, document_id: int) -> WritebackJob | None:
        async with self.sessions() as session:
            row = await session.get(DocumentWriteback, document_id)
            return None if row is None else _job(row)

    async def row_written(self, document_id: int, row_id: str) -> None:
        """The shop's orderInvoice id, kept at once: a later step's failure never re-creates it."""
        await self._set(document_id, row_id=row_id)

    async def finished(self, document_id: int, state: WritebackState, status_set: bool) -> None:
        """Done (or withdrawn); a document voided meanwhile stays due, to be withdrawn."""
        done = state is WritebackState.DONE
        voided = DocumentWriteback.withdraw.is_(True) if done else false()
        now = datetime.now(UTC)
        await self._set(
            document_id,
            state=case((voided, "pending"), else_=state.value),
            next_at=case((voided, now), else_=None),
            status_set=status_set,
            last_error=None,
        )

    async def failed(self, document_id: int, error: str, next_at: datetime) -> None:
        await self._set(document_id, state="failed", last_error=error[:2000], next_at=next_at)

    async def _set(self, document_id: int, **values: Any) -> None:
        query = update(DocumentWriteback).where(DocumentWriteback.document_id == document_id)
        await self._changed(query.values(updated_at=datetime.now(UTC), **values))

    async def _changed(self, query: Any) -> bool:
        async with self.sessions() as session:
            result = cast(CursorResult[Any], await session.execute(query))
            changed = result.rowcount
            await session.commit()
            return bool(changed)


def _new_row(job: WritebackJob, now: datetime) -> dict[str, Any]:
    return {
        "document_id": job.document_id,
        "connection_id": job.connection_id,
        "order_ref": job.order_ref,
        "kind": job.kind,
        "number": job.number,
        "state": WritebackState.PENDING.value,
        "row_id": None,
        "withdraw": False,
        "status_set": False,
        "attempts": 0,
        "next_at": now,
        "last_error": None,
        "created_at": now,
        "updated_at": now,
    }


def _open_or_done(document_id: int) -> Any:
    table = DocumentWriteback
    return (
        update(table)
        .where(table.document_id == document_id)
        .where(table.state != WritebackState.WITHDRAWN.value)
    )


def _claim(document_id: int, now: datetime) -> Any:
    table = DocumentWriteback
    return (
        update(table)
        .where(table.document_id == document_id, table.state.in_(OPEN), table.next_at <= now)
        .values(attempts=table.attempts + 1, next_at=now + LEASE, updated_at=now)
    )


def _job(row: DocumentWriteback) -> WritebackJob:
    return WritebackJob(
        document_id=row.document_id,
        connection_id=row.connection_id,
        order_ref=row.order_ref,
        kind=row.kind,
        number=row.number,
        state=WritebackState(row.state),
        row_id=row.row_id,
        attempts=row.attempts,
        withdraw=row.withdraw,
        status_set=row.status_set,
    )


async def writeback_view(session: AsyncSession, document_id: int) -> dict[str, Any] | None:
    """The document's write-back as `documents show` prints it; None if it has none."""
    row = await session.get(DocumentWriteback, document_id)
    if row is None:
        return None
    return {
        "state": row.state,
        "order_invoice_id": row.row_id,
        "status_set": row.status_set,
        "attempts": row.attempts,
        "next_attempt_at": row.next_at if row.state != "done" else None,
        "last_error": row.last_error,
    }
