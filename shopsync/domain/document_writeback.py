"""Writing a document back onto its Shoprenter order: which row, when to try again, what it
means for the shop (api-notes §10.1, §10.2). Pure: no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: `orderInvoices.invoiceType` of each document kind ShopSync writes back.
INVOICE_TYPES = {"invoice": "normal", "proforma": "proforma", "storno": "storno"}
#: The first retry waits this long; each further failure doubles it, up to the cap.
FIRST_RETRY = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
#: Seconds between a connection's passes over its due retries (new documents go at once).
RETRY_PASS_S = 30.0
#: How long a claimed attempt holds its document: another worker's pass leaves it alone.
LEASE = timedelta(minutes=2)


class WritebackState(StrEnum):
    PENDING = "pending"  # not tried yet (or withdrawal not carried out yet)
    DONE = "done"  # the shop's order has the row (and the status, when one is set)
    FAILED = "failed"  # the last attempt failed; tried again at next_attempt_at
    WITHDRAWN = "withdrawn"  # the document was voided: its row is gone from the shop


@dataclass(frozen=True)
class WritebackJob:
    """One document's write-back as stored; `attempts` counts the attempts begun so far."""

    document_id: int
    connection_id: int
    order_ref: str
    kind: str
    number: str
    state: WritebackState = WritebackState.PENDING
    row_id: str | None = None  # the shop's orderInvoice id, once known
    attempts: int = 0
    withdraw: bool = False
    status_set: bool = False

    @property
    def may_have_landed(self) -> bool:
        """Whether an earlier attempt may have created the row without our hearing of it: a
        create is looked up then before it is sent again (never two rows for one document)."""
        return self.row_id is None and self.attempts > 1


@dataclass(frozen=True)
class InvoiceRow:
    """What one orderInvoices row says: the number, its type, the PDF link, which order."""

    order_ref: str  # the order's innerId
    number: str
    invoice_type: str
    link: str


def invoice_row(job: WritebackJob, link: str) -> InvoiceRow:
    """The shop's row for the job's document, its PDF at `link`."""
    return InvoiceRow(job.order_ref, job.number, invoice_type(job.kind), link)


def invoice_type(kind: str) -> str:
    """The orderInvoices type of a document kind: normal, proforma or storno."""
    return INVOICE_TYPES[kind]


def wants_status(job: WritebackJob, status_id: str | None) -> bool:
    """Whether the order's status is to be set after this document: after an invoice only
    (a proforma or a storno is not "invoiced"), once, when a status is configured."""
    return status_id is not None and job.kind == "invoice" and not job.status_set


def next_attempt(attempts: int, now: datetime) -> datetime:
    """When to try again after `attempts` failed: 30 s, 60 s, 2 min, … at most an hour."""
    doublings = min(max(0, attempts - 1), 20)  # past the cap long before; no huge numbers
    delay: timedelta = min(FIRST_RETRY * 2**doublings, RETRY_CAP)
    return now + delay


def written_back(kind: str, draft: bool, number: str | None) -> bool:
    """Whether a document goes onto the shop's order: final, numbered ones of known kinds."""
    return not draft and bool(number) and kind in INVOICE_TYPES
