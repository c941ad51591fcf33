"""Each document's NAV report in `nav_reports`; every call its own transaction.

A report is kept before anything is sent, and marked sent (committed) before its request
leaves: whatever happens to the process, the table says what NAV may have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.models import Document, NavReport
from shopsync.domain.nav_report_rules import OPEN, Finished, NewReport, Report, ReportState
from shopsync.domain.nav_reporting import Operation

TABLE = cast(Table, NavReport.__table__)
_OPEN = [state.value for state in OPEN]


@dataclass
class SqlAlchemyNavReportStore:
    sessions: async_sessionmaker[AsyncSession]

    async def record(self, reports: Sequence[NewReport]) -> int:
        """Keep the reports (pending), each storno with its invoice; how many were new."""
        if not reports:
            return 0
        async with self.sessions() as session:
            invoices = await _invoices_of(session, [r.document_id for r in reports])
            statement = insert_ignoring_conflicts(session, TABLE, ["document_id"])
            rows = [_new_row(r, invoices.get(r.document_id), datetime.now(UTC)) for r in reports]
            result = cast(CursorResult[Any], await session.execute(statement, rows))
            await session.commit()
            return max(0, result.rowcount)

    async def open_reports(self, account_id: int) -> list[Report]:
        invoice = aliased(NavReport)
        query = (
            select(NavReport, invoice.state)
            .outerjoin(invoice, invoice.document_id == NavReport.invoice_document_id)
            .where(NavReport.account_id == account_id, NavReport.state.in_(_OPEN))
            .order_by(NavReport.document_id)
        )
        async with self.sessions() as session:
            return [_report(row, state) for row, state in (await session.execute(query)).all()]

    async def claim(self, document_ids: Sequence[int], check_at: datetime) -> None:
        await self._set(
            document_ids,
            state=ReportState.SENT.value,
            transaction_id=None,
            batch_index=None,
            submissions=NavReport.submissions + 1,
            polls=0,
            submitted_at=datetime.now(UTC),
            next_check_at=check_at,
        )

    async def submitted(
        self, transaction_id: str, indexed: Sequence[tuple[int, int]], check_at: datetime
    ) -> None:
        async with self.sessions() as session:
            for document_id, index in indexed:
                await session.execute(
                    _where([document_id]).values(
                        transaction_id=transaction_id,
                        batch_index=index,
                        next_check_at=check_at,
                        updated_at=datetime.now(UTC),
                    )
                )
            await session.commit()

    async def check_later(self, document_ids: Sequence[int], check_at: datetime) -> None:
        await self._set(document_ids, next_check_at=check_at, polls=NavReport.polls + 1)

    async def finished(self, outcomes: Sequence[Finished]) -> None:
        now = datetime.now(UTC)
        async with self.sessions() as session:
            for done in outcomes:
                await session.execute(
                    _where([done.document_id]).values(
                        state=done.state.value,
                        messages=[asdict(m) for m in done.messages],
                        next_check_at=None,
                        finished_at=now,
                        updated_at=now,
                    )
                )
            await session.commit()

    async def unclaim(self, document_ids: Sequence[int]) -> None:
        await self._set(document_ids, state=ReportState.PENDING.value, next_check_at=None)

    async def reopen(self, document_id: int) -> ReportState | None:
        async with self.sessions() as session:
            row = await session.get(NavReport, document_id, with_for_update=True)
            if row is None:
                return None
            before = ReportState(row.state)
            if before is ReportState.ABORTED:
                row.state, row.transaction_id, row.batch_index = "pending", None, None
                row.finished_at = None
            await session.commit()
            return before

    async def sweep(self, account_id: int, since: datetime, until: datetime | None = None) -> int:
        """Keep reports of the account's final invoices and stornos issued since `since` (and
        before `until`: younger ones' events are still on their way) that have none (their
        event lost with a broker's memory); how many."""
        query = (
            select(Document)
            .outerjoin(NavReport, NavReport.document_id == Document.id)
            .where(Document.account_id == account_id, NavReport.document_id.is_(None))
            .where(Document.kind.in_(("invoice", "storno")), Document.draft.is_(False))
            .where(Document.document_number.is_not(None), Document.issued_at >= since)
            .where(Document.issued_at < (until or datetime.now(UTC)))
            .order_by(Document.id)
            .limit(1000)
        )
        async with self.sessions() as session:
            documents = list((await session.execute(query)).scalars())
        return await self.record([_swept(document) for document in documents])

    async def _set(self, document_ids: Sequence[int], **values: Any) -> None:
        async with self.sessions() as session:
            await session.execute(
                _where(document_ids).values(updated_at=datetime.now(UTC), **values)
            )
            await session.commit()


def _where(document_ids: Sequence[int]) -> Any:
    return update(NavReport).where(NavReport.document_id.in_(list(document_ids)))


async def _invoices_of(session: AsyncSession, document_ids: list[int]) -> dict[int, int]:
    """Each storno's invoice (the document it references)."""
    query = select(Document.id, Document.references_document_id).where(
        and_(Document.id.in_(document_ids), Document.references_document_id.is_not(None))
    )
    return {doc: ref for doc, ref in (await session.execute(query)).all() if ref is not None}


def _new_row(report: NewReport, invoice_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "document_id": report.document_id,
        "account_id": report.account_id,
        "operation": report.operation,
        "number": report.number,
        "invoice_document_id": invoice_id,
        "issued_at": report.issued_at,
        "state": ReportState.PENDING.value,
        "transaction_id": None,
        "batch_index": None,
        "submissions": 0,
        "polls": 0,
        "messages": [],
        "submitted_at": None,
        "next_check_at": None,
        "finished_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _report(row: NavReport, invoice_state: str | None) -> Report:
    return Report(
        document_id=row.document_id,
        operation=row.operation,  # type: ignore[arg-type]
        number=row.number,
        state=ReportState(row.state),
        transaction_id=row.transaction_id,
        index=row.batch_index,
        invoice_state=None if invoice_state is None else ReportState(invoice_state),
        submitted_at=row.submitted_at,
        next_check_at=row.next_check_at,
        polls=row.polls,
    )


def _swept(document: Document) -> NewReport:
    assert document.document_number is not None and document.issued_at is not None
    operation: Operation = "STORNO" if document.kind == "storno" else "CREATE"
    return NewReport(
        document.id, document.account_id, operation, document.document_number, document.issued_at
    )
