"""An order read through the API becomes what its status-change webhook would have carried."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from devtools.sandbox.api import SandboxApi
from devtools.sandbox.orders import change_status, place_order
from devtools.sandbox.orders import webhook_order as sandbox_webhook
from devtools.sandbox.store import SandboxShop
from shopsync.adapters.kafka.order_events import order_event
from shopsync.domain.order_reading import read_order
from shopsync.domain.rest_orders import ShopStatus, latest_history, resource_id, webhook_order

FIXTURES = json.loads(
    (Path(__file__).parents[1] / "fixtures/shoprenter_order_extend.json").read_text()
)
# The fixture's status has no innerId: its id decodes to order_status_id=1 (api-notes §2.3).
PENDING = {FIXTURES["orderStatus"]["id"]: ShopStatus("1", "Pending")}


def fixture_order() -> dict[str, Any]:
    return copy.deepcopy(FIXTURES["orderExtend"])


def test_the_fixture_order_reads_as_its_webhook_with_the_gross_as_total_gross() -> None:
    shaped = webhook_order(fixture_order(), FIXTURES["orderHistory"], PENDING)
    assert shaped["innerId"] == "172"
    assert shaped["currency"] == "HUF"
    assert shaped["totalGross"] == "8128.0000"  # the TOTAL row: REST's gross
    assert shaped["total"] == "6400.0000"  # the webhook's `total` is the net
    assert shaped["orderHistory"] == {
        "status": "1",
        "statusText": "Pending",
        "comment": "A comment for the order history",
        "dateAdded": "2011-01-04 10:00:00",
    }
    order = read_order(shaped)
    assert (order.order_id, order.status_id, order.currency) == ("172", "1", "HUF")
    assert [(i.sku, i.unit_net_price, i.vat_rate, i.quantity) for i in order.items] == [
        ("997000004", Decimal("400.0000"), Decimal("27.0000"), Decimal(1))
    ]
    assert order.payment_method_code == "COD"


def test_without_a_total_row_the_rest_total_is_the_gross_never_the_net() -> None:
    order = fixture_order()
    order["orderTotals"] = []
    assert webhook_order(order, None, PENDING)["totalGross"] == "3990.0000"


def test_a_quantity_is_what_the_line_took_from_each_warehouse() -> None:
    order = fixture_order()
    order["orderProducts"] = [FIXTURES["orderProduct"] | {"stock1": "2", "stock3": "1"}]
    line = webhook_order(order, None, PENDING)["orderProducts"]["orderProduct"][0]
    assert line["quantity"] == "4"  # stock1 2 + stock2 1 + stock3 1
    assert line["grossPrice"] == "3048"


def test_shipping_payment_and_discounts_come_from_the_totals_rows() -> None:
    order = fixture_order() | {"shippingMethodTaxRate": "27.0000", "coupon": {"code": "TAVASZ"}}
    order["orderTotals"] = [
        {"type": "SHIPPING", "key": "", "value": "1270.0000"},
        {"type": "PAYMENT", "key": "", "value": "300.0000"},
        {"type": "COUPON", "key": {}, "value": "-500.0000"},
        {"type": "COUPON", "key": "CART_AMOUNT_DISCOUNT", "value": "-200.0000"},
        {"type": "LOYALTYPOINTS_TO_USE", "key": "", "value": "-50.0000"},
        {"type": "LOYALTYPOINTS_TO_GET", "key": "", "value": "120.0000"},
        {"type": "TOTAL", "key": "", "value": "9000.0000"},
    ]
    shaped = webhook_order(order, None, PENDING)
    assert (shaped["shippingGrossPrice"], shaped["shippingNetPrice"]) == ("1270.0000", "1000.0000")
    assert shaped["paymentGrossPrice"] == "300.0000"
    assert shaped["paymentNetPrice"] == "300.0000"  # the fixture's payment rate is 0 %
    assert shaped["couponCode"] == "TAVASZ"
    assert shaped["couponGrossPrice"] == "-500.0000"
    assert shaped["cartAmountDiscount"] == "-200.0000"
    assert shaped["loyaltyPointsUsed"] == "-50.0000"  # points earned are not money


def test_a_fee_whose_rate_is_unset_gets_no_net_so_the_goods_rate_applies() -> None:
    order = fixture_order() | {"shippingMethodTaxRate": "-1.0000"}
    order["orderTotals"] = [{"type": "SHIPPING", "value": "1000.0000"}]
    assert webhook_order(order, None, PENDING)["shippingNetPrice"] == ""


def test_without_a_history_entry_the_status_is_the_orders_own_at_its_last_update() -> None:
    status = webhook_order(fixture_order(), None, PENDING)["orderHistory"]
    assert (status["status"], status["dateAdded"]) == ("1", "2019-09-06 15:47:59")


def test_the_latest_history_entry_is_the_newest_then_the_highest_id() -> None:
    entries = [
        {"innerId": "3", "dateAdded": "2026-01-02 10:00:00"},
        {"innerId": "9", "dateAdded": "2026-01-01 10:00:00"},
        {"innerId": "4", "dateAdded": "2026-01-02 10:00:00"},
    ]
    assert latest_history(entries) == entries[2]
    assert latest_history([]) is None
    assert resource_id({"href": "https://x/orderStatuses/abc="}) == "abc="


def sandbox_pair(
    shop: SandboxShop, status: int | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One sandbox order as its webhook carries it, and as the API serves it, shaped alike."""
    spec = {
        "lines": [
            {"name": "Tea", "sku": "TEA-1", "price": 1000, "quantity": 2, "taxRate": 27},
            {"name": "Book", "sku": "BK-1", "price": 3000, "quantity": 1, "taxRate": 5},
        ],
        "shippingGrossPrice": 1270,
        "couponCode": "X",
        "couponGrossPrice": -500,
        "buyer": {"family": "Kiss", "given": "Anna", "email": "a@x.hu", "city": "Pécs"},
    }
    row = place_order(shop, spec)
    if status is not None:
        change_status(shop, row, shop.status_id(status))
    api = SandboxApi(shop, "http://sandbox/shop")
    rest = api.get_one(shop.table("orders"), row.resource_id, extend=True).body
    histories = api.collection(
        shop.table("orderHistories"), "orderHistories", {"orderId": row.resource_id, "full": "1"}
    ).body["items"]
    statuses = {
        r.resource_id: ShopStatus(str(r.inner), shop.status_name(r.resource_id))
        for r in shop.table("orderStatuses").rows.values()
    }
    return sandbox_webhook(shop, row, "http://sandbox/shop"), webhook_order(
        rest, latest_history(histories), statuses
    )


def test_a_polled_sandbox_order_gets_the_event_id_and_document_figures_of_its_webhook() -> None:
    shop = SandboxShop("s", "u", "p", "c", "cs")
    for status in (None, 6):
        webhook, polled = sandbox_pair(shop, status)
        hooked, read = (
            order_event(1, 1, webhook, "json", datetime.now(UTC)),
            order_event(1, 1, polled, "json", datetime.now(UTC)),
        )
        assert read.event_id == hooked.event_id
        assert (read.status_id, read.status_text) == (hooked.status_id, hooked.status_text)
        mine, theirs = read_order(polled), read_order(webhook)
        assert mine.items == theirs.items
        assert (mine.total_gross, mine.currency, mine.buyer) == (
            theirs.total_gross,
            theirs.currency,
            theirs.buyer,
        )
        assert sum(c.gross for c in mine.charges) == sum(c.gross for c in theirs.charges)
