"""Orders as the REST API shows them: `orderTotals` rows, `/orderExtend`, the order filters.

REST names what the webhook carries differently (api-notes §5, §10.3–10.4): `total` is the
gross, shipping and fees are gross `orderTotals` rows (SHIPPING includes the shipping mode's
additional cost [I]), discounts are negative COUPON (a cart discount keyed
CART_AMOUNT_DISCOUNT) and LOYALTYPOINTS_TO_USE rows, and `/orderExtend` embeds the products,
the totals, the currency (with its code) and the coupon.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from devtools.sandbox.store import Row, SandboxShop

if TYPE_CHECKING:
    from devtools.sandbox.api import Answer, SandboxApi


def add_line(shop: SandboxShop, order: Row, line: dict[str, Any], currency: str) -> None:
    """A product line as /orderProducts holds it: no `quantity`, the count in `stock1`."""
    price, quantity = Decimal(str(line["price"])), Decimal(str(line["quantity"]))
    shop.table("orderProducts").insert(
        {
            "name": line["name"],
            "sku": line["sku"],
            "price": f"{price:.4f}",
            "total": f"{price * quantity:.4f}",
            "taxRate": f"{Decimal(str(line['taxRate'])):.4f}",
            "stock1": str(quantity),
            "stock2": "0",
            "stock3": "0",
            "stock4": "0",
            "subtractStock": "1",
            "order": order.resource_id,
            "_quantity": str(line["quantity"]),
            "_options": line.get("options", []),
            "_currency": currency,
        }
    )


def net_of(gross: Decimal) -> str:
    return str((gross / Decimal("1.27")).quantize(Decimal("0.0001")))


def add_totals(shop: SandboxShop, order: Row, net: Decimal, vat: Decimal) -> None:
    """The order's totals rows, in Shoprenter's sort order."""
    hidden = order.fields["_webhook"]
    shipping = Decimal(hidden["shippingGrossPrice"]) + Decimal(
        hidden["shippingAdditionalCostGross"]
    )
    rows = [
        ("SUB_TOTAL", "", "Nettó részösszeg:", net),
        ("TAX", "", "ÁFA:", vat),
        ("SUB_TOTAL_WITH_TAX", "", "Bruttó részösszeg:", net + vat),
        ("SHIPPING", "", "Szállítási díj:", shipping),
        ("PAYMENT", "", "Kezelési költség:", Decimal(hidden["paymentGrossPrice"])),
        ("COUPON", "", "Kupon:", _discount(hidden["couponGrossPrice"])),
        (
            "COUPON",
            "CART_AMOUNT_DISCOUNT",
            "Kosárkedvezmény:",
            _discount(hidden["cartAmountDiscount"]),
        ),
        ("LOYALTYPOINTS_TO_USE", "", "Hűségpont:", _discount(hidden["loyaltyPointsUsed"])),
        ("TOTAL", "", "Bruttó végösszeg:", Decimal(order.fields["total"])),
    ]
    table = shop.table("orderTotals")
    for position, (kind, key, name, value) in enumerate(rows, start=1):
        if value or kind in ("SUB_TOTAL", "TAX", "SUB_TOTAL_WITH_TAX", "TOTAL"):
            table.insert(_total(order, position, kind, key, name, value))


def _total(
    order: Row, position: int, kind: str, key: str, name: str, value: Decimal
) -> dict[str, Any]:
    currency = order.fields["_webhook"]["currency"]
    return {
        "name": name,
        "valueText": f"{value:,.0f} {currency.title()}".replace(",", "."),
        "value": f"{value:.4f}",
        "sortOrder": str(position),
        "type": kind,
        "key": key,
        "description": "",
        "order": order.resource_id,
    }


def _discount(amount: str | None) -> Decimal:
    """A discount as a totals row holds it: negative [I]."""
    return -abs(Decimal(amount)) if amount else Decimal(0)


def order_extend(
    api: SandboxApi, method: str, resource_id: str | None, query: dict[str, str]
) -> Answer:
    """GET /orderExtend[/{id}]: read-only, the same filters as /orders."""
    from devtools.sandbox.api import error

    if method != "GET":
        return error(405, None, "Method not allowed")
    orders = api.shop.table("orders")
    if resource_id:
        return api.get_one(orders, resource_id, extend=True)
    return api.collection(orders, "orderExtend", query, extend=True)


def extended(api: SandboxApi, out: dict[str, Any], row: Row) -> dict[str, Any]:
    """An order as /orderExtend renders it: products, totals, currency and coupon embedded."""
    shop = api.shop
    currency = shop.table("currencies").rows.get(str(row.fields.get("currency")))
    code = row.fields["_webhook"]["couponCode"]
    return out | {
        "currency": api.render(shop.table("currencies"), currency) if currency else None,
        "orderProducts": _children(api, "orderProducts", row),
        "orderTotals": _children(api, "orderTotals", row),
        "coupon": {"code": code} if code else None,
    }


def _children(api: SandboxApi, endpoint: str, order: Row) -> list[dict[str, Any]]:
    table = api.shop.table(endpoint)
    return [
        api.render(table, r)
        for r in table.rows.values()
        if r.fields.get("order") == order.resource_id
    ]


def order_filters(rows: list[Row], query: dict[str, str]) -> list[Row]:
    """/orders and /orderExtend's own filters: ids from, carts out, creation and update bounds."""
    if "innerIdMin" in query:
        rows = [r for r in rows if r.inner >= int(query["innerIdMin"])]
    if query.get("excludeAbandonedCart") == "1":
        rows = [r for r in rows if r.fields.get("orderStatus")]
    for param, field, later in BOUNDS:
        if param in query:
            rows = [r for r in rows if (str(r.fields.get(field, "")) >= query[param]) == later]
    return rows


#: (parameter, field, whether it keeps the rows at or after the moment); updatedAtMin is common.
BOUNDS = (
    ("createdAtMin", "dateCreated", True),
    ("createdAtMax", "dateCreated", False),
    ("updatedAtMax", "dateUpdated", False),
)
