"""Report invoices to NAV so that NAV never gets a second CREATE for an invoice it may have.

The contract, as SPEC §1.9.2 and api-notes §7 ask: a /manageInvoice that got no answer
(a timeout, a dropped connection, a 5xx) may still be saved at NAV, so it is not sent again
at once. After `settle_s` (NAV gives itself 5 minutes to commit or roll back) NAV is asked
what it has — the transaction's results when its id is known, else queryInvoiceCheck per
invoice number — and only the invoices NAV has not got are sent again, in a new request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from shopsync.domain.nav_errors import NavNoAnswer
from shopsync.domain.nav_reporting import InvoiceOperation, ProcessingResult, TransactionStatus
from shopsync.service_layer.ports import NavReporting

Sleep = Callable[[float], Awaitable[None]]
#: NAV's own window to commit or roll back a request whose answer was lost (SPEC §1.9.2).
NAV_SETTLE_S = 300.0


@dataclass(frozen=True)
class Submission:
    """Where the invoices went: the transaction (index i is `sent[i - 1]`) and what NAV had."""

    transaction_id: str | None  # None when NAV turned out to have every invoice already
    sent: tuple[InvoiceOperation, ...]
    already_at_nav: tuple[str, ...] = ()  # numbers an earlier, unanswered request delivered


async def submit_once(
    nav: NavReporting,
    operations: Sequence[InvoiceOperation],
    settle_s: float = NAV_SETTLE_S,
    attempts: int = 5,
    sleep: Sleep = asyncio.sleep,
) -> Submission:
    """Submit the operations; after a lost answer ask NAV first and resend only what it lacks."""
    pending, delivered = tuple(operations), tuple[str, ...]()
    for _ in range(attempts):
        try:
            return Submission(await nav.submit(pending), pending, delivered)
        except NavNoAnswer:
            await sleep(settle_s)
        at_nav = await numbers_at_nav(nav, pending)
        delivered += tuple(op.number for op in pending if op.number in at_nav)
        pending = tuple(op for op in pending if op.number not in at_nav)
        if not pending:
            return Submission(None, (), delivered)
    raise NavNoAnswer("", f"NAV did not answer {attempts} submissions; nothing is lost, try later")


async def numbers_at_nav(
    nav: NavReporting, operations: Sequence[InvoiceOperation], transaction_id: str | None = None
) -> frozenset[str]:
    """The invoice numbers NAV has or is processing (and so must not be sent again)."""
    if transaction_id is not None:
        return _numbers_in(await nav.status(transaction_id), operations)
    return frozenset([op.number for op in operations if await nav.invoice_exists(op.number)])


def _numbers_in(
    status: TransactionStatus, operations: Sequence[InvoiceOperation]
) -> frozenset[str]:
    """All but the aborted ones — an abort for a number NAV already has counts as had."""
    if not status.results:
        return frozenset(op.number for op in operations)  # accepted, not shown yet
    had = set()
    for index, operation in enumerate(operations, start=1):
        result = status.result(index)
        if result is None or result.status != "ABORTED" or _duplicate(result):
            had.add(operation.number)
    return frozenset(had)


def _duplicate(result: ProcessingResult) -> bool:
    return "INVOICE_NUMBER_NOT_UNIQUE" in result.error_codes


async def wait_until_finished(
    nav: NavReporting, transaction_id: str, pauses: Sequence[float], sleep: Sleep = asyncio.sleep
) -> TransactionStatus:
    """The transaction's status once every index is DONE or ABORTED, or after the last pause."""
    status = await nav.status(transaction_id)
    for pause in pauses:
        if status.finished:
            break
        await sleep(pause)
        status = await nav.status(transaction_id)
    return status
