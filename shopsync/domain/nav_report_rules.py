"""The reporter's rules: which documents go to NAV next, and what NAV's answer makes of each.

An account's reports go in document order, at most 100 a request, one request in flight at a
time: the next is cut only once NAV has finished the last, and a storno only once its
invoice is DONE (NAV refuses a modification of an invoice it does not hold yet). A report
marked sent before its request left is "in doubt" until NAV is asked, never sent blindly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shopsync.domain.nav_reporting import (
    MAX_OPERATIONS,
    Operation,
    ProcessingResult,
    ValidationMessage,
)


class ReportState(StrEnum):
    """Where a document's report is: waiting, at NAV, accepted (maybe warned), refused."""

    PENDING = "pending"
    SENT = "sent"
    DONE = "done"
    DONE_WITH_WARNINGS = "done_with_warnings"
    ABORTED = "aborted"


#: What the invoices of one request may take (NAV refuses bodies over 10 MB; the envelope's
#: margin kept).
MAX_REQUEST_BYTES = 9 * 1024 * 1024
#: NAV holds the invoice: the legal duty is met.
REPORTED = frozenset({ReportState.DONE, ReportState.DONE_WITH_WARNINGS})
#: What a poll of ours still has to move on.
OPEN = frozenset({ReportState.PENDING, ReportState.SENT})


@dataclass(frozen=True)
class Report:
    """One document's report as the rules need it (a storno knows its invoice's state)."""

    document_id: int
    operation: Operation
    number: str
    state: ReportState
    transaction_id: str | None = None
    index: int | None = None
    invoice_state: ReportState | None = None  # a storno's invoice's report; None: none kept
    submitted_at: datetime | None = None
    next_check_at: datetime | None = None
    polls: int = 0


@dataclass(frozen=True)
class Timing:
    """How long NAV may take: to settle a lost request, and between status polls."""

    settle_s: float = 300.0
    poll_first_s: float = 2.0
    poll_cap_s: float = 300.0
    answer_s: float = 60.0  # the longest a request may wait for its answer


def reportable(kind: str, draft: bool, number: str | None) -> Operation | None:
    """The NAV operation of a document: CREATE for a final invoice, STORNO for its storno."""
    if draft or not number:
        return None
    return {"invoice": "CREATE", "storno": "STORNO"}.get(kind)  # type: ignore[return-value]


def in_flight(reports: Sequence[Report]) -> tuple[Report, ...]:
    """The reports sent and not finished: the account's one request at NAV."""
    return tuple(report for report in reports if report.state is ReportState.SENT)


def next_batch(reports: Sequence[Report]) -> tuple[Report, ...]:
    """The next request's reports, oldest first; none while a request is still at NAV."""
    if in_flight(reports):
        return ()
    ready = [r for r in reports if r.state is ReportState.PENDING and _may_go(r)]
    return tuple(sorted(ready, key=lambda r: r.document_id)[:MAX_OPERATIONS])


def within_request_size(sizes: Sequence[int], limit: int = MAX_REQUEST_BYTES) -> int:
    """How many of the invoices (their base64 sizes, in order) fit in one request; at least 1."""
    total, count = 0, 0
    for size in sizes:
        total += size
        if total > limit and count:
            break
        count += 1
    return count


def _may_go(report: Report) -> bool:
    """A storno waits for its invoice's DONE (an invoice reported elsewhere has no report)."""
    return report.operation != "STORNO" or report.invoice_state in (None, *REPORTED)


def due(report: Report, now: datetime) -> bool:
    """Whether a sent report is to be looked at now (polled, or its lost request asked)."""
    return report.next_check_at is None or report.next_check_at <= now


def outcome(result: ProcessingResult | None) -> ReportState | None:
    """The state NAV's final result gives a report; None while NAV is still processing."""
    if result is None or not result.final:
        return None
    if result.status == "ABORTED":
        return ReportState.ABORTED
    warned = any(message.result_code == "WARN" for message in result.messages)
    return ReportState.DONE_WITH_WARNINGS if warned else ReportState.DONE


def next_poll(polls: int, now: datetime, timing: Timing) -> datetime:
    """When to ask again: a few seconds after sending, then twice as long each time."""
    return now + timedelta(seconds=min(timing.poll_cap_s, timing.poll_first_s * 2**polls))


def settle_until(now: datetime, timing: Timing) -> datetime:
    """Until when a request without an answer may still be saved at NAV (not to be resent)."""
    return now + timedelta(seconds=timing.settle_s)


def in_doubt_until(now: datetime, timing: Timing) -> datetime:
    """Until when a request leaving now may be unanswered and then still saved at NAV."""
    return now + timedelta(seconds=timing.answer_s + timing.settle_s)


def local_refusal(reason: str) -> ValidationMessage:
    """Why ShopSync itself could not send a document (its InvoiceData cannot be built)."""
    return ValidationMessage("technical", "ERROR", "EXPORT_REFUSED", reason[:1000])


def found_at_nav() -> ValidationMessage:
    """Said of a report whose answer was lost and which NAV turned out to hold."""
    text = "NAV holds it (queryInvoiceCheck after a lost answer): not sent again"
    return ValidationMessage("technical", "INFO", "FOUND_AT_NAV", text)


def unreported_age_s(oldest_issued_at: datetime | None, now: datetime) -> float:
    """Seconds the oldest document not yet DONE at NAV has waited (0: none waits)."""
    return 0.0 if oldest_issued_at is None else max(0.0, (now - oldest_issued_at).total_seconds())


@dataclass(frozen=True)
class NewReport:
    """A document to report, as it is first kept (pending); the store finds a storno's invoice."""

    document_id: int
    account_id: int
    operation: Operation
    number: str
    issued_at: datetime


@dataclass(frozen=True)
class Finished:
    """A report NAV has finished with (or ShopSync could not send): its state, NAV's words."""

    document_id: int
    state: ReportState
    messages: tuple[ValidationMessage, ...] = ()
