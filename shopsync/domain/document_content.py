"""What a document says besides its number: buyer, payment, lines — and a storno's copy of it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shopsync.domain.document_building import build_document
from shopsync.domain.documents import DocumentDraft, DocumentKind, storno_of
from shopsync.domain.order_fields import OrderRejected
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.orders import Buyer, Order


@dataclass(frozen=True)
class DocumentContent:
    series: str
    order_status: str
    buyer: Buyer
    buyer_kind: str  # private | business
    payment_method: str
    payment_method_code: str
    body: DocumentDraft  # kind, currency, lines and totals

    @property
    def kind(self) -> DocumentKind:
        return self.body.kind


def content_for(order: Order, kind: DocumentKind, rules: OrderRules) -> DocumentContent:
    """An invoice or proforma of the order as it stands in the event; never below zero."""
    body = build_document(order, kind)
    if body.total_gross < 0:
        raise OrderRejected("totalGross", body.total_gross, "the document would total below 0")
    return DocumentContent(
        series=rules.series_for(kind),
        order_status=order.status_id,
        buyer=order.buyer,
        buyer_kind=rules.buyer_kind or ("business" if order.buyer.is_business else "private"),
        payment_method=order.payment_method,
        payment_method_code=order.payment_method_code,
        body=body,
    )


def storno_content(invoice: DocumentContent, order_status: str) -> DocumentContent:
    """The storno of an invoice: its buyer, payment and series, every line negated."""
    return replace(invoice, order_status=order_status, body=storno_of(invoice.body))
