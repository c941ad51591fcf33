"""What the order lifecycle asks the service layer to do, and the decision that carries it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from shopsync.domain.document_content import DocumentContent
from shopsync.domain.order_state import DocumentRef, DocumentStatus, OrderState, StockKey


class Result(StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"
    FINALIZED = "finalized"
    UNCHANGED = "unchanged"  # what the event asks for is already so
    IGNORED = "ignored"  # the event asks for nothing (a rule says so)
    STALE = "stale"  # older than the status already applied
    REFUSED = "refused"  # a command that cannot be carried out


@dataclass(frozen=True, slots=True)
class IssueDocument:
    ref: DocumentRef
    content: DocumentContent
    draft: bool
    email: bool  # e-mailed once final (when the buyer gave an address)
    follows: DocumentRef | None = None


@dataclass(frozen=True, slots=True)
class IssueStorno:
    ref: DocumentRef
    original: DocumentRef
    order_status: str
    email: bool


@dataclass(frozen=True, slots=True)
class MarkDocument:
    ref: DocumentRef
    status: DocumentStatus


@dataclass(frozen=True, slots=True)
class NumberDocument:
    """A draft becomes final: it takes the next number of its series."""

    ref: DocumentRef
    email: bool


@dataclass(frozen=True, slots=True)
class MoveStock:
    document: DocumentRef  # the document the movement is booked on
    key: StockKey
    quantity: Decimal  # signed: negative takes out of the warehouse
    reason: str  # order | storno | void


@dataclass(frozen=True, slots=True)
class RecordSkuMiss:
    document: DocumentRef
    sku: str


Action = IssueDocument | IssueStorno | MarkDocument | NumberDocument | MoveStock | RecordSkuMiss


@dataclass(frozen=True, slots=True)
class Decision:
    state: OrderState
    actions: tuple[Action, ...]
    result: Result
    note: str

    @property
    def changed(self) -> bool:
        return bool(self.actions)
