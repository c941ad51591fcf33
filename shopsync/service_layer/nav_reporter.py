"""The use case "every invoice and storno reaches NAV once": keep, batch, send, follow, record.

A document heard of is kept as a pending report first; an account's step then either follows
its request at NAV (polls the transaction, or — for a request whose answer was lost, or a
reporter killed while sending — asks NAV per number once NAV has had time to settle) or sends
the next batch. Reports are marked sent *before* their request leaves, so a restart at any
point finds them in doubt and asks NAV instead of sending them a second time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shopsync.domain.nav_errors import NavError
from shopsync.domain.nav_report_rules import (
    Finished,
    NewReport,
    Report,
    ReportState,
    Timing,
    due,
    found_at_nav,
    in_doubt_until,
    in_flight,
    local_refusal,
    next_batch,
    next_poll,
    outcome,
    reportable,
    settle_until,
    within_request_size,
)
from shopsync.domain.nav_reporting import InvoiceOperation, TransactionStatus
from shopsync.service_layer.nav_export import ExportRefused
from shopsync.service_layer.nav_submission import Submission, submit_once
from shopsync.service_layer.ports import InvoiceDataSource, NavReporting, NavReportStore

log = logging.getLogger(__name__)
#: Documents exported at once for a request (each export is a few database reads).
EXPORTS_AT_ONCE = 8


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IssuedDocument:
    """What the documents-issued event says of a document, as reporting needs it."""

    document_id: int
    account_id: int
    kind: str
    draft: bool
    number: str | None
    issued_at: datetime


@dataclass
class Step:
    """What an account's step did: "idle", "waiting", "sent" or "followed", and what finished."""

    kind: str
    finished: list[tuple[Finished, float]] = field(default_factory=list)  # with seconds at NAV


@dataclass
class NavReporter:
    """Keeps documents to report and moves one account's reports on, a step at a time."""

    store: NavReportStore
    invoices: InvoiceDataSource
    timing: Timing = field(default_factory=Timing)
    clock: Callable[[], datetime] = field(default=_now)
    check_concurrency: int = 4  # queryInvoiceCheck requests at once after a lost answer

    async def issued(self, document: IssuedDocument) -> bool:
        """Keep a final invoice's or storno's report (pending); False for anything else."""
        operation = reportable(document.kind, document.draft, document.number)
        if operation is None or document.number is None:
            return False
        report = NewReport(
            document.document_id,
            document.account_id,
            operation,
            document.number,
            document.issued_at,
        )
        return await self.store.record([report]) > 0

    async def step(self, account_id: int, nav: NavReporting) -> Step:
        """Follow the account's request at NAV if there is one, else send its next batch."""
        reports = await self.store.open_reports(account_id)
        flying = in_flight(reports)
        if flying:
            return await self._follow(nav, flying)
        batch = next_batch(reports)
        return await self._send(nav, batch) if batch else Step("idle")

    async def _follow(self, nav: NavReporting, flying: tuple[Report, ...]) -> Step:
        now = self.clock()
        if not all(due(report, now) for report in flying):
            return Step("waiting")
        transaction_id = flying[0].transaction_id
        flying = tuple(r for r in flying if r.transaction_id == transaction_id)
        try:
            if transaction_id is None:
                return await self._ask_after_lost_answer(nav, flying)
            return await self._poll(nav, transaction_id, flying)
        except NavError as exc:
            log.warning("NAV could not be asked about %d reports: %s", len(flying), exc)
            await self.store.check_later(_ids(flying), settle_until(now, _short(self.timing)))
            return Step("waiting")

    async def _poll(
        self, nav: NavReporting, transaction_id: str, flying: tuple[Report, ...]
    ) -> Step:
        status = await nav.status(transaction_id)
        finished = _finished_in(status, flying)
        await self.store.finished(finished)
        left = [r for r in flying if r.document_id not in {f.document_id for f in finished}]
        if left:
            check_at = next_poll(left[0].polls + 1, self.clock(), self.timing)
            await self.store.check_later(_ids(left), check_at)
        return Step("followed", self._timed(finished, flying))

    async def _ask_after_lost_answer(self, nav: NavReporting, flying: tuple[Report, ...]) -> Step:
        """NAV has settled: what it holds is done, what it lacks is sent again (pending);
        a number NAV could not be asked about stays in doubt and is asked again later."""
        answers = await self._held_at_nav(nav, flying)
        by_answer = {
            a: [r for r, b in zip(flying, answers, strict=True) if b is a]
            for a in (True, False, None)
        }
        finished = [
            Finished(r.document_id, ReportState.DONE, (found_at_nav(),)) for r in by_answer[True]
        ]
        await self.store.finished(finished)
        await self.store.unclaim(_ids(by_answer[False]))
        if by_answer[None]:
            check_at = settle_until(self.clock(), _short(self.timing))
            await self.store.check_later(_ids(by_answer[None]), check_at)
        return Step("followed", self._timed(finished, flying))

    async def _held_at_nav(self, nav: NavReporting, flying: Sequence[Report]) -> list[bool | None]:
        """queryInvoiceCheck per number, a few at a time; None where NAV gave no answer."""
        slots = asyncio.Semaphore(self.check_concurrency)

        async def held(report: Report) -> bool | None:
            async with slots:
                try:
                    return await nav.invoice_exists(report.number)
                except NavError:
                    return None

        return list(await asyncio.gather(*(held(report) for report in flying)))

    async def _send(self, nav: NavReporting, batch: tuple[Report, ...]) -> Step:
        operations, refused = await self._operations(batch)
        await self.store.finished(refused)
        operations = operations[: within_request_size([len(op.base64) for op in operations])]
        sendable = [r for r in batch if r.number in {op.number for op in operations}]
        if not sendable:
            return Step("followed", [(f, 0.0) for f in refused])
        # In doubt from here on: a restart waits out the request and NAV's settling first.
        await self.store.claim(_ids(sendable), in_doubt_until(self.clock(), self.timing))
        try:
            # One request per claim, and NAV's settling waited out in the database (a restart
            # keeps the clock): a resend is claimed, and so in doubt, anew.
            submission = await submit_once(nav, operations, self.timing.settle_s, 1, _settle_later)
        except (NavError, _SettleLater) as exc:  # maybe at NAV: asked once NAV has settled
            log.warning("NAV submission of %d reports got no answer: %r", len(sendable), exc)
            check_at = settle_until(self.clock(), self.timing)
            await self.store.check_later(_ids(sendable), check_at)
            return Step("sent", [(f, 0.0) for f in refused])
        await self._record(sendable, submission)
        return Step("sent", [(f, 0.0) for f in refused])

    async def _record(self, sendable: Sequence[Report], submission: Submission) -> None:
        """The transaction and indexes NAV gave; what an unanswered request delivered, done."""
        by_number = {r.number: r.document_id for r in sendable}
        held = [
            Finished(by_number[n], ReportState.DONE, (found_at_nav(),))
            for n in submission.already_at_nav
        ]
        await self.store.finished(held)
        if submission.transaction_id is not None:
            indexed = [(by_number[op.number], i) for i, op in enumerate(submission.sent, 1)]
            check_at = next_poll(0, self.clock(), self.timing)
            await self.store.submitted(submission.transaction_id, indexed, check_at)

    async def _operations(
        self, batch: Sequence[Report]
    ) -> tuple[list[InvoiceOperation], list[Finished]]:
        """Each report's operation with its XML as the document stands now; refusals apart."""
        slots = asyncio.Semaphore(EXPORTS_AT_ONCE)

        async def exported(report: Report) -> InvoiceOperation | Finished:
            async with slots:  # each export reads the database: a few overlap the waits
                try:
                    xml = await self.invoices.invoice_data(report.document_id)
                except ExportRefused as exc:
                    refusal = (local_refusal(str(exc)),)
                    return Finished(report.document_id, ReportState.ABORTED, refusal)
            return InvoiceOperation(report.operation, report.number, xml)

        made = await asyncio.gather(*(exported(report) for report in batch))
        operations = [m for m in made if isinstance(m, InvoiceOperation)]
        return operations, [m for m in made if isinstance(m, Finished)]

    def _seconds_at_nav(self, report: Report) -> float:
        if report.submitted_at is None:
            return 0.0
        return (self.clock() - report.submitted_at).total_seconds()

    def _timed(
        self, finished: Sequence[Finished], flying: Sequence[Report]
    ) -> list[tuple[Finished, float]]:
        by_id = {r.document_id: r for r in flying}
        return [(f, self._seconds_at_nav(by_id[f.document_id])) for f in finished]


async def resend(store: NavReportStore, document_id: int) -> ReportState:
    """Send an aborted document again (after its cause is fixed); NavResendRefused otherwise."""
    before = await store.reopen(document_id)
    if before is None:
        raise NavResendRefused(f"document {document_id} has no NAV report")
    if before is not ReportState.ABORTED:
        raise NavResendRefused(
            f"document {document_id} is {before.value} at NAV: only an aborted report is sent again"
        )
    return ReportState.PENDING


class _SettleLater(Exception):
    """Raised instead of sleeping through NAV's settling: the database loop waits it out."""


async def _settle_later(_: float) -> None:
    raise _SettleLater("NAV gave no answer: asked once it has settled")


class NavResendRefused(Exception):
    """A resend that is not done (no report, or one not aborted); the message says why."""


def _finished_in(status: TransactionStatus, flying: Sequence[Report]) -> list[Finished]:
    finished = []
    for report in flying:
        result = None if report.index is None else status.result(report.index)
        state = outcome(result)
        if state is not None and result is not None:
            finished.append(Finished(report.document_id, state, result.messages))
    return finished


def _ids(reports: Sequence[Report]) -> list[int]:
    return [report.document_id for report in reports]


def _short(timing: Timing) -> Timing:
    """A failed question to NAV is asked again after a poll's pause, not a full settle."""
    return Timing(settle_s=max(timing.poll_first_s, 1.0))
