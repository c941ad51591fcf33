"""One shop order as ShopSync knows it: its documents, the stock it holds, what was applied.

Small values are NamedTuples (hashed and compared in C: a batch decides thousands of them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from shopsync.domain.documents import DocumentKind

#: How many applied or ignored events an order remembers (for `orders show`).
HISTORY_LENGTH = 30


class DocumentStatus(StrEnum):
    LIVE = "live"
    VOIDED = "voided"  # a draft or proforma withdrawn: never numbered by the void itself
    STORNOED = "stornoed"  # an invoice reversed by its storno
    SETTLED = "settled"  # a proforma an invoice followed


class DocumentRef(NamedTuple):
    """A document's place in its order: kind and generation (a re-activation is a new one)."""

    kind: DocumentKind
    generation: int


@dataclass(frozen=True, slots=True)
class OrderDocument:
    ref: DocumentRef
    draft: bool
    status: DocumentStatus = DocumentStatus.LIVE
    follows: DocumentRef | None = None  # the proforma an invoice follows

    @property
    def live(self) -> bool:
        return self.status is DocumentStatus.LIVE


class StockKey(NamedTuple):
    warehouse_id: int
    product_id: int
    sku: str


class HeldStock(NamedTuple):
    """Stock this order took out of a warehouse (positive) and has not returned."""

    key: StockKey
    quantity: Decimal


class HistoryEntry(NamedTuple):
    """An event the order saw: what it said and what ShopSync did with it."""

    status_id: str
    status_at: datetime | None
    result: str
    note: str


@dataclass(frozen=True, slots=True)
class OrderState:
    documents: tuple[OrderDocument, ...] = ()
    stock: tuple[HeldStock, ...] = ()
    last_status_id: str = ""
    last_status_at: datetime | None = None
    history: tuple[HistoryEntry, ...] = ()

    def live(self, kind: DocumentKind) -> OrderDocument | None:
        return next((d for d in self.documents if d.ref.kind is kind and d.live), None)

    def document(self, ref: DocumentRef) -> OrderDocument | None:
        return next((d for d in self.documents if d.ref == ref), None)

    def next_ref(self, kind: DocumentKind) -> DocumentRef:
        used = [d.ref.generation for d in self.documents if d.ref.kind is kind]
        return DocumentRef(kind, max(used, default=0) + 1)

    def held(self) -> dict[StockKey, Decimal]:
        return {h.key: h.quantity for h in self.stock}

    def with_document(self, document: OrderDocument) -> OrderState:
        others = tuple(d for d in self.documents if d.ref != document.ref)
        return replace(self, documents=(*others, document))

    def marked(self, ref: DocumentRef, status: DocumentStatus) -> OrderState:
        document = self.document(ref)
        assert document is not None
        return self.with_document(replace(document, status=status))

    def holding(self, held: dict[StockKey, Decimal]) -> OrderState:
        stock = tuple(HeldStock(k, q) for k, q in sorted(held.items()) if q)
        return replace(self, stock=stock)

    def noted(self, entry: HistoryEntry) -> OrderState:
        return replace(self, history=(*self.history, entry)[-HISTORY_LENGTH:])
