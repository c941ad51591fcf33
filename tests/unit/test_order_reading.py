"""The order reader: every field checked; garbage is held with its reason, never a guess."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopsync.domain.document_content import content_for
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_reading import OrderRejected, read_order
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.orders import ChargeKind
from shopsync.domain.vat import STANDARD_VAT_RATES
from tests.support import SAMPLE_WEBHOOK

RULES = OrderRules()


def sample() -> dict[str, Any]:
    order: dict[str, Any] = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    return order


def with_product(**changes: Any) -> dict[str, Any]:
    order = sample()
    order["orderProducts"]["orderProduct"][0].update(changes)
    return order


@pytest.mark.parametrize(
    ("order", "field", "reason"),
    [
        (with_product(quantity="-5"), "orderProduct.quantity", "above 0"),
        (with_product(quantity="two"), "orderProduct.quantity", "not a number"),
        (with_product(price="abc"), "price", "not a number"),
        (with_product(price="NaN"), "price", "not a finite number"),
        (with_product(price=1e30), "price", "more than"),
        (with_product(price="-1"), "price", "negative"),
        (with_product(taxRate="1000"), "orderProduct.taxRate", "not a VAT rate"),
        ({**sample(), "currency": "EURO"}, "currency", "ISO 4217"),
        ({**sample(), "paymentCompany": "K" * 400}, "paymentCompany", "longer than 300"),
        ({**sample(), "paymentCity": "Buda\x00pest"}, "paymentCity", "NUL"),
        ({**sample(), "totalGross": "1e30"}, "totalGross", "more than"),
    ],
)
def test_garbage_in_a_field_is_refused_with_the_field_and_why(
    order: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(OrderRejected) as refused:
        read_order(order)
    assert refused.value.field == field and reason in refused.value.reason


def test_a_shop_may_allow_more_vat_rates() -> None:
    order = with_product(taxRate="19")
    with pytest.raises(OrderRejected):
        read_order(order)
    allowed = {*STANDARD_VAT_RATES, Decimal(19)}
    assert read_order(order, allowed).items[0].vat_rate == Decimal(19)


def test_a_coupon_larger_than_the_order_is_refused_not_issued_below_zero() -> None:
    order = {**sample(), "couponGrossPrice": "999999", "totalGross": ""}
    with pytest.raises(OrderRejected, match="below 0"):
        content_for(read_order(order), DocumentKind.INVOICE, RULES)


FIELD_VALUES = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789-.,eE+naNif ", max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.just({}),
    st.just([]),
)
ORDER_FIELDS = [
    "currency",
    "totalGross",
    "couponGrossPrice",
    "shippingGrossPrice",
    "shippingNetPrice",
    "paymentGrossPrice",
    "paymentNetPrice",
    "paymentCompany",
    "paymentCity",
    "email",
]
PRODUCT_FIELDS = ["price", "quantity", "taxRate", "name", "sku"]


@settings(max_examples=300, deadline=None)
@given(
    order_values=st.dictionaries(st.sampled_from(ORDER_FIELDS), FIELD_VALUES),
    product_values=st.dictionaries(st.sampled_from(PRODUCT_FIELDS), FIELD_VALUES),
)
def test_any_values_give_a_sound_document_or_a_held_order_never_an_exception(
    order_values: dict[str, Any], product_values: dict[str, Any]
) -> None:
    order = {**sample(), **order_values}
    order["orderProducts"]["orderProduct"][0].update(product_values)
    try:
        body = content_for(read_order(order), DocumentKind.INVOICE, RULES).body
    except OrderRejected as held:
        assert held.field and held.reason
        return
    amounts = [body.total_net, body.total_vat, body.total_gross]
    amounts += [value for line in body.lines for value in (line.net, line.vat, line.gross)]
    assert all(a.is_finite() for a in amounts)
    assert body.total_gross >= 0
    assert all(line.quantity > 0 for line in body.lines)


def test_every_charge_of_the_webhook_is_read_with_its_kind_and_discounts_as_reductions() -> None:
    raw = sample() | {
        "shippingAdditionalCostNet": "393.7008",
        "shippingAdditionalCostGross": "500",
        "paymentNetPrice": "307.0866",
        "paymentGrossPrice": "390",
        "couponCode": "NYAR",
        "couponGrossPrice": "-500",
        "cartAmountDiscount": "1000",  # some shops send it positive
        "loyaltyPointsUsed": "200",
    }
    order = read_order(raw)
    assert [(c.kind, c.gross) for c in order.charges] == [
        (ChargeKind.SHIPPING, Decimal("1006")),
        (ChargeKind.SHIPPING_EXTRA, Decimal("500")),
        (ChargeKind.PAYMENT_FEE, Decimal("390")),
        (ChargeKind.COUPON, Decimal("-500")),
        (ChargeKind.CART_DISCOUNT, Decimal("-1000")),
        (ChargeKind.LOYALTY_POINTS, Decimal("-200")),
    ]
    assert order.charges[3].name == "Kupon NYAR"


def test_an_order_whose_lines_fall_short_of_its_total_is_held_with_the_amounts() -> None:
    raw = sample() | {"totalGross": str(Decimal(sample()["totalGross"]) + 1000)}
    with pytest.raises(OrderRejected) as held:
        content_for(read_order(raw), DocumentKind.INVOICE, OrderRules())
    assert held.value.field == "totalGross"
    assert "1000 HUF more than rounding explains" in held.value.reason


def test_a_products_chosen_options_are_named_on_its_line_and_not_priced_again() -> None:
    raw = with_product(
        orderProductOptions={
            "orderProductOption": [
                {"name": "Szín", "valueName": "piros", "price": "500", "prefix": "+"},
                {"name": "Méret", "valueName": "L", "price": "0", "prefix": "+"},
            ]
        }
    )
    item = read_order(raw).items[0]
    assert item.name == "30 Multi-Colored Tulips (Szín: piros, Méret: L)"
    assert item.unit_net_price == Decimal(945)
