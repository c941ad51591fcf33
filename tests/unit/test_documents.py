"""The pure document builder: totals match the order, VAT adds up, lines are visible."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shopsync.domain.document_building import TotalsDiffer, build_document, split_by_rate
from shopsync.domain.documents import DocumentKind, LineKind, round_money
from shopsync.domain.order_reading import read_order
from shopsync.domain.orders import Charge, ChargeKind, Order, OrderItem
from tests.support import SAMPLE_WEBHOOK, make_order

RATES = [Decimal(27), Decimal(18), Decimal(5), Decimal(0)]


def sample_order() -> Order:
    return read_order(json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0])


def test_sample_order_becomes_an_invoice_whose_gross_equals_the_orders() -> None:
    document = build_document(sample_order(), DocumentKind.INVOICE)
    assert document.total_gross == Decimal("11206")
    assert [line.kind for line in document.lines] == [
        LineKind.PRODUCT,
        LineKind.PRODUCT,
        LineKind.SHIPPING,
    ]
    assert document.lines[0].vat == Decimal("255")  # 945 × 27 % = 255.15 → whole forints


def test_buyer_name_keeps_shoprenters_order_family_name_first() -> None:
    order = sample_order()
    assert order.buyer.name == "Test Peter"
    assert not order.buyer.is_business


def test_a_rounding_line_reconciles_per_line_rounding_with_the_order_total() -> None:
    order = make_order(
        [OrderItem("A", "A1", Decimal("333.33"), Decimal(27), Decimal(3))],
        total_gross=Decimal("1271"),
    )
    document = build_document(order, DocumentKind.INVOICE)
    assert document.total_gross == Decimal("1271")
    assert document.lines[-1].kind == LineKind.ROUNDING


ITEMS = st.lists(
    st.builds(
        OrderItem,
        name=st.just("Termék"),
        sku=st.text(alphabet="ABC123", min_size=1, max_size=5),
        unit_net_price=st.decimals(min_value=0, max_value=100000, places=2),
        vat_rate=st.sampled_from(RATES),
        quantity=st.integers(min_value=1, max_value=20).map(Decimal),
    ),
    min_size=1,
    max_size=8,
)
FEES = st.lists(
    st.builds(
        lambda kind, gross, rate: Charge(kind, kind.value, gross, net_at(gross, rate)),
        st.sampled_from([ChargeKind.SHIPPING, ChargeKind.SHIPPING_EXTRA, ChargeKind.PAYMENT_FEE]),
        st.decimals(min_value=1, max_value=5000, places=2),
        st.sampled_from(RATES),
    ),
    max_size=3,
)
DISCOUNTS = st.lists(
    st.builds(
        lambda kind, share: (kind, share),
        st.sampled_from([ChargeKind.COUPON, ChargeKind.CART_DISCOUNT, ChargeKind.LOYALTY_POINTS]),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.3"), places=2),
    ),
    max_size=3,
)


def net_at(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * 100 / (100 + rate)).quantize(Decimal("0.0001"))


def exact_gross(order_items: list[OrderItem], currency: str) -> Decimal:
    lines = (i.unit_net_price * i.quantity * (1 + i.vat_rate / 100) for i in order_items)
    return sum((round_money(gross, currency) for gross in lines), Decimal(0))


def priced_order(
    items: list[OrderItem],
    currency: str,
    fees: list[Charge],
    discounts: list[tuple[ChargeKind, Decimal]],
    drift: int,
) -> tuple[Order, int]:
    """The order with its fees and discounts (a share of the goods' gross each) and its total
    drifted by `drift` units of the currency; also how many lines its document has."""
    goods = exact_gross(items, currency)
    taken = [
        Charge(kind, kind.value, -round_money(goods * share, currency)) for kind, share in discounts
    ]
    charges = tuple(c for c in (*fees, *taken) if c.gross)
    unit = Decimal(1) if currency == "HUF" else Decimal("0.01")
    total = (
        goods + sum((round_money(c.gross, currency) for c in charges), Decimal(0)) + drift * unit
    )
    order = replace(make_order(items, total_gross=total, currency=currency), charges=charges)
    return order, len(items) + len(fees) + len(taken) * len(RATES)


ORDERS = dict(
    items=ITEMS,
    currency=st.sampled_from(["HUF", "EUR"]),
    fees=FEES,
    discounts=DISCOUNTS,
)


@settings(max_examples=300, deadline=None)
@given(**ORDERS, drift=st.integers(min_value=-1, max_value=1))
def test_the_documents_gross_equals_the_shops_and_each_rate_adds_up(
    items: list[OrderItem],
    currency: str,
    fees: list[Charge],
    discounts: list[tuple[ChargeKind, Decimal]],
    drift: int,
) -> None:
    order, _ = priced_order(items, currency, fees, discounts, drift)
    assume(exact_gross(items, currency) + sum(c.gross for c in order.charges) >= 0)
    document = build_document(order, DocumentKind.INVOICE)
    assert order.total_gross is not None
    assert document.total_gross == round_money(order.total_gross, currency)
    assert document.total_net + document.total_vat == document.total_gross
    by_rate: dict[Decimal, list[Decimal]] = {}
    for line in document.lines:
        assert line.net + line.vat == line.gross
        assert line.gross == round_money(line.gross, currency)
        by_rate.setdefault(line.vat_rate, []).append(line.gross)
    assert sum(document.vat_by_rate().values(), Decimal(0)) == document.total_vat
    product_rates = {i.vat_rate for i in items}
    for line in document.lines:
        if line.kind == LineKind.DISCOUNT:
            assert line.vat_rate in product_rates
            assert line.gross <= 0
    unit = Decimal(1) if currency == "HUF" else Decimal("0.01")
    rounding = [line for line in document.lines if line.kind == LineKind.ROUNDING]
    assert all(abs(line.gross) <= unit * (len(document.lines) - 1) for line in rounding)


@settings(max_examples=200, deadline=None)
@given(**ORDERS, drift=st.integers(min_value=2, max_value=10000), sign=st.sampled_from([1, -1]))
def test_an_order_whose_total_differs_beyond_rounding_is_refused_never_issued(
    items: list[OrderItem],
    currency: str,
    fees: list[Charge],
    discounts: list[tuple[ChargeKind, Decimal]],
    drift: int,
    sign: int,
) -> None:
    _, most_lines = priced_order(items, currency, fees, discounts, 0)
    # Rounding each line's net and VAT apart moves its gross by at most a unit: 2× the lines.
    order, _ = priced_order(items, currency, fees, discounts, sign * (2 * most_lines + drift))
    with pytest.raises(TotalsDiffer) as refused:
        build_document(order, DocumentKind.INVOICE)
    assert refused.value.field == "totalGross"
    unit = Decimal(1) if currency == "HUF" else Decimal("0.01")
    assert refused.value.difference * sign > unit * most_lines  # beyond what rounding explains


def test_an_accepted_difference_is_issued_as_a_line_of_its_own() -> None:
    items = [OrderItem("Tulipán", "T1", Decimal(1000), Decimal(27), Decimal(1))]
    order = make_order(items, total_gross=Decimal(1770))
    with pytest.raises(TotalsDiffer) as refused:
        build_document(order, DocumentKind.INVOICE)
    assert refused.value.difference == Decimal(500)
    accepted = replace(order, accepted_difference=Decimal(500))
    document = build_document(accepted, DocumentKind.INVOICE)
    assert document.total_gross == Decimal(1770)
    assert [(line.kind, line.gross) for line in document.lines] == [
        (LineKind.PRODUCT, Decimal(1270)),
        (LineKind.DIFFERENCE, Decimal(500)),
    ]


def test_a_coupon_over_27_and_5_percent_goods_is_split_by_their_gross() -> None:
    items = [
        OrderItem("Tulipán", "T1", Decimal(10000), Decimal(27), Decimal(1)),  # 12 700 gross
        OrderItem("Könyv", "K1", Decimal(4000), Decimal(5), Decimal(1)),  # 4 200 gross
    ]
    coupon = Charge(ChargeKind.COUPON, "Kupon NYAR", Decimal(-1690))
    order = replace(make_order(items, total_gross=Decimal(15210)), charges=(coupon,))
    document = build_document(order, DocumentKind.INVOICE)
    discounts = [line for line in document.lines if line.kind == LineKind.DISCOUNT]
    # 1 690 × 12 700 / 16 900 = 1 270; 1 690 × 4 200 / 16 900 = 420
    assert [(d.name, d.vat_rate, d.gross, d.net, d.vat) for d in discounts] == [
        ("Kupon NYAR (27%)", Decimal(27), Decimal(-1270), Decimal(-1000), Decimal(-270)),
        ("Kupon NYAR (5%)", Decimal(5), Decimal(-420), Decimal(-400), Decimal(-20)),
    ]
    assert document.total_gross == Decimal(15210)


def test_shares_of_a_discount_add_up_to_it_to_the_forint() -> None:
    shares = split_by_rate(
        Decimal(-1000),
        {Decimal(27): Decimal(1), Decimal(5): Decimal(1), Decimal(18): Decimal(1)},
        "HUF",
    )
    assert sum(shares.values()) == Decimal(-1000)
    assert sorted(shares.values()) == [Decimal(-334), Decimal(-333), Decimal(-333)]
