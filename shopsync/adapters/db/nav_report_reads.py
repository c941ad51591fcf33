"""What is read about NAV reports for people and metrics: one document's, and the totals."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import NavReport
from shopsync.domain.nav_report_rules import REPORTED, ReportState

_REPORTED = [state.value for state in REPORTED]


async def nav_view(session: AsyncSession, document_id: int) -> dict[str, Any] | None:
    """The document's NAV report as `documents show` prints it; None if it has none."""
    row = await session.get(NavReport, document_id)
    if row is None:
        return None
    return {
        "state": row.state,
        "operation": row.operation,
        "transaction_id": row.transaction_id,
        "index": row.batch_index,
        "submissions": row.submissions,
        "messages": list(row.messages or []),
        "submitted_at": row.submitted_at,
        "finished_at": row.finished_at,
    }


async def reports_by_state(session: AsyncSession) -> dict[str, int]:
    """How many reports are in each state (every state named, zero included)."""
    query = select(NavReport.state, func.count()).group_by(NavReport.state)
    counted = {state: int(n) for state, n in (await session.execute(query)).all()}
    return {state.value: counted.get(state.value, 0) for state in ReportState}


async def aborted_codes(session: AsyncSession) -> Counter[str]:
    """Aborted reports by NAV's first error code (EXPORT_REFUSED: ours)."""
    query = select(NavReport.messages).where(NavReport.state == ReportState.ABORTED.value)
    codes: Counter[str] = Counter()
    for messages in (await session.execute(query)).scalars():
        errors = [m for m in messages or [] if m.get("result_code") in ("ERROR", "CRITICAL")]
        codes[str(errors[0]["error_code"]) if errors else "UNKNOWN"] += 1
    return codes


async def oldest_unreported(session: AsyncSession) -> datetime | None:
    """When the oldest document not (yet) DONE at NAV was issued: the legal clock's start."""
    query = select(func.min(NavReport.issued_at)).where(NavReport.state.not_in(_REPORTED))
    oldest = await session.scalar(query)
    return None if oldest is None else _aware(oldest)


def _aware(value: datetime | str) -> datetime:
    """MIN() of a timestamp comes back naive or as text on SQLite."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
