"""In-memory twins for the NAV reporter's use case: its report store, documents' XML, a NAV.

Kept beside `tests/fakes.py` (whose `FakeNav` the NAV here builds on) like the write-back's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from shopsync.domain.nav_errors import NavNoAnswer
from shopsync.domain.nav_report_rules import OPEN, Finished, NewReport, Report, ReportState
from shopsync.domain.nav_reporting import (
    InvoiceOperation,
    ProcessingResult,
    TransactionStatus,
    ValidationMessage,
)
from shopsync.service_layer.nav_export import ExportRefused
from tests.fakes import FakeNav


@dataclass
class FakeReportStore:
    """Reports by document id; `invoices` maps a storno's document to its invoice's."""

    invoices: dict[int, int] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)
    accounts: dict[int, int] = field(default_factory=dict)
    messages: dict[int, tuple[ValidationMessage, ...]] = field(default_factory=dict)
    claims: list[list[int]] = field(default_factory=list)

    async def record(self, reports: Sequence[NewReport]) -> int:
        new = [r for r in reports if r.document_id not in self.reports]
        for r in new:
            self.reports[r.document_id] = Report(
                r.document_id, r.operation, r.number, ReportState.PENDING
            )
            self.accounts[r.document_id] = r.account_id
        return len(new)

    async def open_reports(self, account_id: int) -> list[Report]:
        mine = [r for i, r in sorted(self.reports.items()) if self.accounts[i] == account_id]
        return [self._with_invoice(r) for r in mine if r.state in OPEN]

    def _with_invoice(self, report: Report) -> Report:
        invoice = self.reports.get(self.invoices.get(report.document_id, -1))
        return replace(report, invoice_state=None if invoice is None else invoice.state)

    async def claim(self, document_ids: Sequence[int], check_at: datetime) -> None:
        self.claims.append(list(document_ids))
        self._set(
            document_ids,
            state=ReportState.SENT,
            transaction_id=None,
            index=None,
            next_check_at=check_at,
            submitted_at=check_at,
            polls=0,
        )

    async def submitted(
        self, transaction_id: str, indexed: Sequence[tuple[int, int]], check_at: datetime
    ) -> None:
        for document_id, index in indexed:
            self._set(
                [document_id], transaction_id=transaction_id, index=index, next_check_at=check_at
            )

    async def check_later(self, document_ids: Sequence[int], check_at: datetime) -> None:
        for document_id in document_ids:
            polls = self.reports[document_id].polls + 1
            self._set([document_id], next_check_at=check_at, polls=polls)

    async def finished(self, outcomes: Sequence[Finished]) -> None:
        for done in outcomes:
            self._set([done.document_id], state=done.state, next_check_at=None)
            self.messages[done.document_id] = done.messages

    async def unclaim(self, document_ids: Sequence[int]) -> None:
        self._set(document_ids, state=ReportState.PENDING, next_check_at=None)

    async def reopen(self, document_id: int) -> ReportState | None:
        report = self.reports.get(document_id)
        if report is None:
            return None
        if report.state is ReportState.ABORTED:
            self._set([document_id], state=ReportState.PENDING, transaction_id=None, index=None)
        return report.state

    def state(self, document_id: int) -> ReportState:
        return self.reports[document_id].state

    def _set(self, document_ids: Sequence[int], **changes: object) -> None:
        for document_id in document_ids:
            self.reports[document_id] = replace(self.reports[document_id], **changes)  # type: ignore[arg-type]


@dataclass
class FakeInvoices:
    """Each document's XML (its number, as bytes); `refused` documents have none."""

    refused: dict[int, str] = field(default_factory=dict)

    async def invoice_data(self, document_id: int) -> bytes:
        if document_id in self.refused:
            raise ExportRefused(self.refused[document_id])
        return f"<invoice {document_id}/>".encode()


@dataclass
class JudgingNav(FakeNav):
    """FakeNav that aborts some numbers, shows PROCESSING for the first polls, can fail polls."""

    aborted: dict[str, str] = field(default_factory=dict)  # number → error code
    processing_polls: int = 0
    failing_polls: int = 0
    polls: int = 0
    sent: list[tuple[InvoiceOperation, ...]] = field(default_factory=list)

    async def submit(self, operations: Sequence[InvoiceOperation]) -> str:
        self.sent.append(tuple(operations))
        return await super().submit(operations)

    async def status(self, transaction_id: str) -> TransactionStatus:
        self.polls += 1
        if self.failing_polls:
            self.failing_polls -= 1
            raise NavNoAnswer("", "timeout")
        operations = self.transactions.get(transaction_id, ())
        if self.processing_polls:
            self.processing_polls -= 1
            results = tuple(
                ProcessingResult(i, "PROCESSING") for i in range(1, len(operations) + 1)
            )
            return TransactionStatus(transaction_id, results)
        return TransactionStatus(
            transaction_id, tuple(self._result(i, op) for i, op in enumerate(operations, start=1))
        )

    def _result(self, index: int, operation: InvoiceOperation) -> ProcessingResult:
        code = self.aborted.get(operation.number)
        if code is None:
            return ProcessingResult(index, "DONE")
        message = ValidationMessage("business", "ERROR", code, f"{operation.number} refused")
        return ProcessingResult(index, "ABORTED", (message,))

    async def invoice_exists(self, number: str) -> bool:
        return await super().invoice_exists(number) and number not in self.aborted
