"""Order → invoice or proforma lines and totals, in Decimal, reconciled to the order's gross."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shopsync.domain.orders import Order, OrderItem
from shopsync.domain.vat import STANDARD_VAT_RATES

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


def build_document(order: Order, kind: DocumentKind) -> DocumentDraft:
    """Lines for products, shipping, payment fee and coupon, plus a rounding line if needed."""
    lines = [_product_line(item, order.currency) for item in order.items]
    lines += _charge_lines(order, _dominant_rate(lines))
    lines += _rounding_lines(order, lines)
    return DocumentDraft(
        kind=kind,
        currency=order.currency,
        lines=tuple(lines),
        total_net=sum((line.net for line in lines), Decimal(0)),
        total_vat=sum((line.vat for line in lines), Decimal(0)),
        total_gross=sum((line.gross for line in lines), Decimal(0)),
    )


def _product_line(item: OrderItem, cur: str) -> Line:
    net = round_money(item.unit_net_price * item.quantity, cur)
    vat = round_money(net * item.vat_rate / HUNDRED, cur)
    return Line(
        LineKind.PRODUCT,
        item.name,
        item.sku,
        item.quantity,
        item.unit_net_price,
        item.vat_rate,
        net,
        vat,
        net + vat,
    )


def _charge_lines(order: Order, main_rate: Decimal) -> list[Line]:
    """Shipping, payment fee and coupon (those the order has), at the goods' dominant rate."""
    coupon_name = f"Kupon {order.coupon_code}".strip()
    charges = (
        (LineKind.SHIPPING, order.shipping_name, order.shipping_gross, order.shipping_net),
        (LineKind.PAYMENT_FEE, order.payment_name, order.payment_gross, order.payment_net),
        (LineKind.DISCOUNT, coupon_name, -abs(order.coupon_gross), Decimal(0)),
    )
    return [
        _gross_line(kind, name, gross, net_hint, main_rate, order.currency)
        for kind, name, gross, net_hint in charges
        if gross
    ]


def _gross_line(
    kind: LineKind, name: str, gross: Decimal, net_hint: Decimal, fallback_rate: Decimal, cur: str
) -> Line:
    gross = round_money(gross, cur)
    rate = _implied_rate(gross, net_hint) if net_hint else fallback_rate
    net = round_money(gross * HUNDRED / (HUNDRED + rate), cur)
    return Line(kind, name, "", Decimal(1), net, rate, net, gross - net, gross)


def _rounding_lines(order: Order, lines: list[Line]) -> list[Line]:
    """The line that brings the lines to the order's own gross total, when they differ."""
    if order.total_gross is None:
        return []
    subtotal = sum((line.gross for line in lines), Decimal(0))
    difference = round_money(order.total_gross, order.currency) - subtotal
    return [_rounding_line(difference)] if difference else []


def _rounding_line(amount: Decimal) -> Line:
    zero = Decimal(0)
    return Line(LineKind.ROUNDING, "Kerekítés", "", Decimal(1), amount, zero, amount, zero, amount)


def _implied_rate(gross: Decimal, net: Decimal) -> Decimal:
    """The standard Hungarian rate closest to what gross/net implies."""
    implied = (gross / net - 1) * HUNDRED
    return min(STANDARD_VAT_RATES, key=lambda rate: abs(rate - implied))


def _dominant_rate(lines: list[Line]) -> Decimal:
    """The rate carrying the most net value; shipping and fees follow the goods."""
    if not lines:
        return Decimal(27)
    weights: dict[Decimal, Decimal] = {}
    for line in lines:
        weights[line.vat_rate] = weights.get(line.vat_rate, Decimal(0)) + abs(line.net)
    return max(weights, key=lambda rate: weights[rate])


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
