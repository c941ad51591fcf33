"""The pure document builder: totals match the order, VAT adds up, lines are visible."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopsync.domain.documents import DocumentKind, LineKind, build_document, round_money
from shopsync.domain.order_reading import read_order
from shopsync.domain.orders import Order, OrderItem
from tests.support import SAMPLE_WEBHOOK, make_order


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
        vat_rate=st.sampled_from([Decimal(27), Decimal(18), Decimal(5), Decimal(0)]),
        quantity=st.integers(min_value=1, max_value=20).map(Decimal),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    items=ITEMS,
    currency=st.sampled_from(["HUF", "EUR"]),
    shipping=st.decimals(min_value=0, max_value=5000, places=2),
    drift=st.integers(min_value=-3, max_value=3),
)
def test_gross_total_always_equals_the_orders_and_vat_by_rate_sums_to_total_vat(
    items: list[OrderItem], currency: str, shipping: Decimal, drift: int
) -> None:
    exact = sum(
        (
            round_money(i.unit_net_price * i.quantity * (1 + i.vat_rate / 100), currency)
            for i in items
        ),
        Decimal(0),
    ) + round_money(shipping, currency)
    total = exact + drift * (Decimal(1) if currency == "HUF" else Decimal("0.01"))
    document = build_document(
        make_order(items, total_gross=total, currency=currency, shipping=shipping),
        DocumentKind.INVOICE,
    )
    assert document.total_gross == round_money(total, currency)
    assert sum(document.vat_by_rate().values(), Decimal(0)) == document.total_vat
    assert document.total_net + document.total_vat == document.total_gross
    for line in document.lines:
        assert line.gross == round_money(line.gross, currency)
