"""Gap-free document numbers: the series row is locked for the rest of the transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.models import DocumentSeries


async def take_number(session: AsyncSession, account_id: int, kind: str, prefix: str) -> int:
    """The next number of the series; the caller's commit makes it final, rollback frees it."""
    series = await _locked_series(session, account_id, kind, prefix)
    number = _take_next(series)
    await session.flush()
    return number


class NumberAllocator:
    """Numbers for many documents in one transaction: each series row is locked once."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._locked: dict[tuple[int, str, str], DocumentSeries] = {}

    async def take(self, account_id: int, kind: str, prefix: str) -> int:
        key = (account_id, kind, prefix)
        if key not in self._locked:
            self._locked[key] = await _locked_series(self._session, account_id, kind, prefix)
        return _take_next(self._locked[key])  # written by the transaction's final flush


async def _locked_series(
    session: AsyncSession, account_id: int, kind: str, prefix: str
) -> DocumentSeries:
    """The series row, locked for the rest of the transaction; created when there is none."""
    query = _series(account_id, kind, prefix).with_for_update()
    series = (await session.execute(query)).scalar_one_or_none()
    if series is None:
        # Two workers may open a series at once: insert-if-absent, then lock the one row.
        await session.execute(_insert_series(session, account_id, kind, prefix))
        series = (await session.execute(query)).scalar_one()
    return series


def _take_next(series: DocumentSeries) -> int:
    number = series.next_number
    series.next_number = number + 1
    return number


def _series(account_id: int, kind: str, prefix: str) -> Select[DocumentSeries]:
    return select(DocumentSeries).where(
        DocumentSeries.account_id == account_id,
        DocumentSeries.kind == kind,
        DocumentSeries.prefix == prefix,
    )


def _insert_series(session: AsyncSession, account_id: int, kind: str, prefix: str) -> Any:
    return insert_ignoring_conflicts(
        session, cast(Table, DocumentSeries.__table__), ["account_id", "kind", "prefix"]
    ).values(account_id=account_id, kind=kind, prefix=prefix, next_number=1)
