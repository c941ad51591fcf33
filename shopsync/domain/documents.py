"""What a document is: its kind and number, its lines and totals, in Decimal; a storno of one.

The lines of an order's document are built by shopsync.domain.document_building.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    PROFORMA = "proforma"
    STORNO = "storno"


def numbering_of(kind: DocumentKind) -> str:
    """The numbering a kind draws from: a storno is an invoice and takes the invoices' next."""
    return "proforma" if kind is DocumentKind.PROFORMA else "invoice"


def format_number(prefix: str, number: int) -> str:
    """A document's printed number: series prefix and six digits, `INV-000042`."""
    return f"{prefix}-{number:06d}"


class LineKind(StrEnum):
    PRODUCT = "product"
    SHIPPING = "shipping"
    PAYMENT_FEE = "payment_fee"
    DISCOUNT = "discount"
    ROUNDING = "rounding"
    DIFFERENCE = "difference"  # a difference from the shop's total an operator accepted

    @property
    def is_adjustment(self) -> bool:
        """A line that only reconciles the shop's total: no supply, quantity or price of its own."""
        return self in (LineKind.ROUNDING, LineKind.DIFFERENCE)


@dataclass(frozen=True)
class Line:
    kind: LineKind
    name: str
    sku: str
    quantity: Decimal
    unit_net_price: Decimal
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class DocumentDraft:
    """What a document will hold, before it gets a number."""

    kind: DocumentKind
    currency: str
    lines: tuple[Line, ...]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal

    def vat_by_rate(self) -> dict[Decimal, Decimal]:
        summary: dict[Decimal, Decimal] = {}
        for line in self.lines:
            summary[line.vat_rate] = summary.get(line.vat_rate, Decimal(0)) + line.vat
        return summary


def money_quantum(currency: str) -> Decimal:
    """HUF in whole forints, every other currency to two decimals."""
    return Decimal(1) if currency == "HUF" else Decimal("0.01")


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(money_quantum(currency), rounding=ROUND_HALF_UP)


def storno_of(original: DocumentDraft) -> DocumentDraft:
    """The cancelling document: every line of the original with its sign flipped."""
    return DocumentDraft(
        DocumentKind.STORNO,
        original.currency,
        tuple(_negated(line) for line in original.lines),
        -original.total_net,
        -original.total_vat,
        -original.total_gross,
    )


def _negated(line: Line) -> Line:
    """The line with quantity and amounts negated; unit price and rate stay as they were."""
    return replace(line, quantity=-line.quantity, net=-line.net, vat=-line.vat, gross=-line.gross)
