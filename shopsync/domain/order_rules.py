"""A connection's order-intake settings as the order lifecycle reads them (no ORM row)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from shopsync.domain.documents import DocumentKind
from shopsync.domain.vat import STANDARD_VAT_RATES


class StockOn(StrEnum):
    INVOICE = "invoice"  # the invoice moves the stock; a proforma moves nothing
    FIRST_DOCUMENT = "first_document"  # the proforma moves it; the invoice moves nothing more


class CancelAction(StrEnum):
    STORNO = "storno"
    NONE = "none"


@dataclass(frozen=True)
class StockRule:
    warehouse_id: int
    on: StockOn = StockOn.INVOICE


@dataclass(frozen=True)
class OrderRules:
    """Everything the lifecycle needs to know of a connection; nothing acts by default."""

    intake: bool = False
    auto_accept: bool = False
    status_kinds: Mapping[str, DocumentKind] = field(default_factory=dict)
    other_statuses: DocumentKind | None = None  # kind for statuses without a rule
    cancel_statuses: frozenset[str] = frozenset()
    cancel_action: CancelAction = CancelAction.STORNO
    draft: bool = False
    email: bool = False
    stock: StockRule | None = None
    invoice_series: str = "INV"
    proforma_series: str = "PRO"
    buyer_kind: str | None = None  # "private" | "business" | None: from the buyer's data
    vat_rates: frozenset[Decimal] = frozenset(STANDARD_VAT_RATES)  # an order line's allowed
    #: The status ShopSync sets on the order after writing an invoice back (None: none).
    writeback_status: str | None = None

    def is_writeback_echo(self, status_id: str) -> bool:
        """Whether a reported status is the one ShopSync's write-back sets: its webhook (or a
        poll seeing it) is ShopSync's own change coming back and must never issue anything."""
        return self.writeback_status is not None and status_id == self.writeback_status

    def kind_for(self, status_id: str) -> DocumentKind | None:
        """The document a status asks for; None when it asks for none."""
        return self.status_kinds.get(status_id, self.other_statuses)

    def series_for(self, kind: DocumentKind) -> str:
        return self.proforma_series if kind is DocumentKind.PROFORMA else self.invoice_series

    def stock_document_kinds(self) -> tuple[DocumentKind, ...]:
        """Which live documents hold the order's stock, in order of precedence."""
        if self.stock is not None and self.stock.on is StockOn.FIRST_DOCUMENT:
            return (DocumentKind.INVOICE, DocumentKind.PROFORMA)
        return (DocumentKind.INVOICE,)


def intake_problem(auto_accept: bool, cancel_statuses: list[str]) -> str | None:
    """Why these intake settings may not be saved: auto-accept must know what cancels."""
    if auto_accept and not cancel_statuses:
        return "auto-accept needs the cancellation statuses first, or a cancelled order is invoiced"
    return None


def writeback_status_problem(
    status_id: str | None, status_kinds: Mapping[str, object], cancel_statuses: list[str]
) -> str | None:
    """Why this write-back status may not be saved: one that asks for a document or cancels
    the order would have ShopSync's own status change act on the order again."""
    if status_id is None:
        return None
    if status_id in status_kinds:
        return f"status {status_id} asks for a document in orders_status_rules"
    if status_id in cancel_statuses:
        return f"status {status_id} cancels the order (orders_cancel_status_ids)"
    return None
