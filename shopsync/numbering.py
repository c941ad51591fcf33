"""Gap-free document numbers: the series row is locked for the rest of the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.db.models import DocumentSeries


async def take_number(session: AsyncSession, account_id: int, kind: str, prefix: str) -> int:
    """The next number of the series; the caller's commit makes it final, rollback frees it."""
    query = (
        select(DocumentSeries)
        .where(
            DocumentSeries.account_id == account_id,
            DocumentSeries.kind == kind,
            DocumentSeries.prefix == prefix,
        )
        .with_for_update()
    )
    series = (await session.execute(query)).scalar_one_or_none()
    if series is None:
        series = DocumentSeries(account_id=account_id, kind=kind, prefix=prefix, next_number=1)
        session.add(series)
        await session.flush()
    number = series.next_number
    series.next_number = number + 1
    await session.flush()
    return number


def format_number(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"
