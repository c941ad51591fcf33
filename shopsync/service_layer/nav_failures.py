"""Documents NAV aborted, as the console's failures page lists them (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document, NavReport, ShopConnection
from shopsync.domain.nav_report_rules import ReportState

ERROR_RESULTS = ("ERROR", "CRITICAL")


@dataclass(frozen=True)
class AbortedDocument:
    """An invoice or storno NAV refused: which, whose, when, and NAV's first error."""

    document_id: int
    number: str
    operation: str
    connection: str
    finished_at: datetime | None
    error_code: str
    message: str


async def aborted_documents(session: AsyncSession, limit: int = 500) -> list[AbortedDocument]:
    """The aborted reports with their connection, the newest first."""
    query = (
        select(NavReport, ShopConnection.name)
        .join(Document, Document.id == NavReport.document_id)
        .join(ShopConnection, ShopConnection.id == Document.connection_id)
        .where(NavReport.state == ReportState.ABORTED.value)
        .order_by(NavReport.finished_at.desc(), NavReport.document_id.desc())
        .limit(limit)
    )
    return [_aborted(report, name) for report, name in (await session.execute(query)).all()]


def _aborted(report: NavReport, connection: str) -> AbortedDocument:
    error = first_error(report.messages or [])
    return AbortedDocument(
        report.document_id,
        report.number,
        report.operation,
        connection,
        report.finished_at,
        str(error.get("error_code", "UNKNOWN")),
        str(error.get("message", "")),
    )


def first_error(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """NAV's first ERROR (or CRITICAL) message; the first message when none is an error."""
    errors = [m for m in messages if m.get("result_code") in ERROR_RESULTS]
    return (errors or messages or [{}])[0]
