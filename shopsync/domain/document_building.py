"""Order → the lines and totals of its invoice or proforma, reconciled to the shop's gross.

Products at their own rates; shipping and fees at the rate their net implies (else the
goods' dominant rate); each discount (coupon, cart-amount discount, loyalty points) split
across the goods' VAT rates in proportion to each rate's gross, as the discount reduces the
tax base of what it discounts. What is left against the shop's total is rounding only when
it is at most one unit of the currency per line; more than that is not guessed at: the
order is held (TotalsDiffer) until an operator accepts the difference on release.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from shopsync.domain.documents import (
    HUNDRED,
    DocumentDraft,
    DocumentKind,
    Line,
    LineKind,
    money_quantum,
    round_money,
)
from shopsync.domain.order_fields import OrderRejected
from shopsync.domain.orders import Charge, ChargeKind, Order, OrderItem
from shopsync.domain.vat import STANDARD_VAT_RATES

FEE_KINDS = {
    ChargeKind.SHIPPING: LineKind.SHIPPING,
    ChargeKind.SHIPPING_EXTRA: LineKind.SHIPPING,
    ChargeKind.PAYMENT_FEE: LineKind.PAYMENT_FEE,
    ChargeKind.GIFT_WRAPPING: LineKind.SHIPPING,
}
ROUNDING_NAME = "Kerekítés"
DIFFERENCE_NAME = "Eltérés a webshop végösszegétől (jóváhagyva)"


class TotalsDiffer(OrderRejected):
    """The lines do not add up to the shop's total beyond rounding: held, with the numbers."""

    def __init__(self, lines: Decimal, total: Decimal, limit: Decimal, currency: str) -> None:
        self.difference = total - lines
        super().__init__(
            "totalGross",
            total,
            f"the lines add up to {lines} {currency} but the shop's total is {total} {currency}: "
            f"{self.difference} {currency} more than rounding explains (at most {limit}); "
            "shopsync orders release CONNECTION ORDER --accept-difference issues it with a line "
            "for the difference",
        )


def build_document(order: Order, kind: DocumentKind) -> DocumentDraft:
    """Product, fee and discount lines, and a rounding (or accepted difference) line if due."""
    products = [_product_line(item, order.currency) for item in order.items]
    lines = products + [
        line for charge in order.charges for line in _charge_lines(charge, products, order)
    ]
    lines += _difference_lines(order, lines)
    return DocumentDraft(
        kind=kind,
        currency=order.currency,
        lines=tuple(lines),
        total_net=sum((line.net for line in lines), Decimal(0)),
        total_vat=sum((line.vat for line in lines), Decimal(0)),
        total_gross=sum((line.gross for line in lines), Decimal(0)),
    )


def _product_line(item: OrderItem, cur: str) -> Line:
    """The line's gross rounded from the exact amount, its net from the gross, VAT between.

    So the line's gross is the one the shop computes (only the shop's own rounding is left to
    reconcile) and its VAT is within a unit of net × rate, as NAV checks it.
    """
    gross = round_money(
        item.unit_net_price * item.quantity * (HUNDRED + item.vat_rate) / HUNDRED, cur
    )
    net = round_money(gross * HUNDRED / (HUNDRED + item.vat_rate), cur)
    return Line(
        LineKind.PRODUCT,
        item.name,
        item.sku,
        item.quantity,
        item.unit_net_price,
        item.vat_rate,
        net,
        gross - net,
        gross,
    )


def _charge_lines(charge: Charge, products: list[Line], order: Order) -> list[Line]:
    if charge.kind.is_discount:
        return _discount_lines(charge, products, order.currency)
    rate = _implied_rate(charge) or dominant_rate(products)
    return [gross_line(FEE_KINDS[charge.kind], charge.name, charge.gross, rate, order.currency)]


def _discount_lines(charge: Charge, products: list[Line], cur: str) -> list[Line]:
    """One discount line per VAT rate of the goods, named with its rate when there are several."""
    weights = _gross_by_rate(products) or {dominant_rate(products): Decimal(1)}
    shares = split_by_rate(charge.gross, weights, cur)
    named = len(shares) > 1
    return [
        gross_line(LineKind.DISCOUNT, _rated(charge.name, rate, named), amount, rate, cur)
        for rate, amount in shares.items()
        if amount
    ]


def _rated(name: str, rate: Decimal, named: bool) -> str:
    return f"{name} ({rate.normalize():f}%)" if named else name


def _gross_by_rate(products: list[Line]) -> dict[Decimal, Decimal]:
    by_rate: dict[Decimal, Decimal] = {}
    for line in products:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.gross
    return {rate: gross for rate, gross in by_rate.items() if gross > 0}


def split_by_rate(
    amount: Decimal, weights: dict[Decimal, Decimal], cur: str
) -> dict[Decimal, Decimal]:
    """`amount` in whole units of the currency, shared in proportion to `weights`.

    Each share is cut toward zero, and the units left go to the shares cut the most (the
    largest remainders; ties to the higher rate): the shares add up to the amount exactly.
    """
    amount = round_money(amount, cur)
    whole = sum(weights.values())
    exact = {rate: amount * weight / whole for rate, weight in weights.items()}
    quantum = money_quantum(cur)
    shares = {rate: value.quantize(quantum, rounding=ROUND_DOWN) for rate, value in exact.items()}
    left = (amount - sum(shares.values())) / quantum
    for rate in _most_cut(exact, shares)[: abs(int(left))]:
        shares[rate] += quantum if left > 0 else -quantum
    return shares


def _most_cut(exact: dict[Decimal, Decimal], shares: dict[Decimal, Decimal]) -> list[Decimal]:
    """The rates by how much cutting their share took off, most first (ties: higher rate)."""
    return sorted(shares, key=lambda rate: (abs(exact[rate] - shares[rate]), rate), reverse=True)


def gross_line(kind: LineKind, name: str, gross: Decimal, rate: Decimal, cur: str) -> Line:
    """A line of one unit whose gross is the shop's; net and VAT follow from the rate."""
    gross = round_money(gross, cur)
    net = round_money(gross * HUNDRED / (HUNDRED + rate), cur)
    return Line(kind, name, "", Decimal(1), net, rate, net, gross - net, gross)


def _implied_rate(charge: Charge) -> Decimal | None:
    """The standard rate closest to what the shop's gross/net implies, when it gave a net."""
    if not charge.net:
        return None
    implied = (charge.gross / charge.net - 1) * HUNDRED
    return min(STANDARD_VAT_RATES, key=lambda rate: abs(rate - implied))


def dominant_rate(lines: list[Line]) -> Decimal:
    """The rate carrying the most net value; shipping and fees follow the goods."""
    if not lines:
        return Decimal(27)
    weights: dict[Decimal, Decimal] = {}
    for line in lines:
        weights[line.vat_rate] = weights.get(line.vat_rate, Decimal(0)) + abs(line.net)
    return max(weights, key=lambda rate: weights[rate])


def _difference_lines(order: Order, lines: list[Line]) -> list[Line]:
    """Rounding up to a unit per line; a larger difference only when the operator accepted it."""
    if order.total_gross is None:
        return []
    subtotal = sum((line.gross for line in lines), Decimal(0))
    total = round_money(order.total_gross, order.currency)
    difference = total - subtotal
    limit = money_quantum(order.currency) * max(len(lines), 1)
    if not difference:
        return []
    if abs(difference) <= limit:
        return [_adjustment(LineKind.ROUNDING, ROUNDING_NAME, difference)]
    if order.accepted_difference == difference:
        return [_adjustment(LineKind.DIFFERENCE, DIFFERENCE_NAME, difference)]
    raise TotalsDiffer(subtotal, total, limit, order.currency)


def _adjustment(kind: LineKind, name: str, amount: Decimal) -> Line:
    zero = Decimal(0)
    return Line(kind, name, "", Decimal(1), amount, zero, amount, zero, amount)
