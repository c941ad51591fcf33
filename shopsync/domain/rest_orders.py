"""An order read through the API (`/orderExtend`), shaped as the status-change webhook's.

Reconciliation publishes what a lost webhook would have carried, so the order processor
reads one shape. The REST names differ from the webhook's: REST `total` is the gross (the
webhook's `total` is the net, `totalGross` the gross); charges are `orderTotals` rows
(SHIPPING and PAYMENT gross, COUPON and LOYALTYPOINTS_TO_USE negative gross [I]); a line's
quantity is `stock1`..`stock4` (REST has no `quantity`); the currency is an embedded object;
the status and its time are the order's latest `/orderHistories` entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopsync.domain.shoprenter_values import as_list, decimal, text

HUNDRED = Decimal(100)
NET_STEP = Decimal("0.0001")
CART_DISCOUNT = "CART_AMOUNT_DISCOUNT"
COPIED = (
    "firstname", "lastname", "phone", "fax", "email", "comment",
    "shippingFirstname", "shippingLastname", "shippingCompany", "shippingAddress1",
    "shippingAddress2", "shippingCity", "shippingCountryName", "shippingZoneName",
    "shippingPostcode", "shippingMethodName", "paymentFirstname", "paymentLastname",
    "paymentCompany", "paymentAddress1", "paymentAddress2", "paymentCity",
    "paymentCountryName", "paymentZoneName", "paymentPostcode", "paymentMethodName",
    "paymentMethodCode",
)  # fmt: skip


@dataclass(frozen=True)
class ShopStatus:
    """One of the shop's order statuses: its inner id (the webhook's `status`) and name."""

    inner_id: str
    name: str


def resource_id(link: Any) -> str:
    """The resource id a `{"href": ".../orderStatuses/<id>"}` link points at ("" if none)."""
    href = text(link.get("href")) if isinstance(link, dict) else text(link)
    return href.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] if href else ""


def latest_history(entries: Iterable[Any]) -> dict[str, Any] | None:
    """The order's newest history entry: the latest `dateAdded`, then the highest id."""
    rows = [e for e in entries if isinstance(e, dict)]
    return max(rows, key=_history_order) if rows else None


def _history_order(entry: dict[str, Any]) -> tuple[str, Decimal]:
    return text(entry.get("dateAdded")), decimal(entry.get("innerId"))


def webhook_order(
    order: dict[str, Any], history: dict[str, Any] | None, statuses: Mapping[str, ShopStatus]
) -> dict[str, Any]:
    """The order as Shoprenter's status-change webhook would have carried it."""
    totals = [t for t in as_list(order.get("orderTotals")) if isinstance(t, dict)]
    shaped: dict[str, Any] = {name: order[name] for name in COPIED if name in order}
    shaped |= _identity(order)
    shaped |= _charges(order, totals)
    shaped |= _sums(order, totals)
    shaped["orderHistory"] = _status(order, history, statuses)
    shaped["orderProducts"] = {"orderProduct": _products(order, shaped["currency"])}
    return shaped


def _identity(order: dict[str, Any]) -> dict[str, Any]:
    """Ids, tax number, billing country codes and currency, under the webhook's names."""
    country, currency = _object(order, "paymentCountry"), _object(order, "currency")
    return {
        "innerId": text(order.get("innerId")),
        "innerResourceId": f"orders/{text(order.get('id'))}",
        "paymentTaxnumber": text(order.get("taxNumber")),
        "paymentCountryIsoCode2": text(country.get("isoCode2")),
        "paymentCountryIsoCode3": text(country.get("isoCode3")),
        "currency": text(currency.get("code")).upper(),
    }


def _charges(order: dict[str, Any], totals: list[dict[str, Any]]) -> dict[str, Any]:
    """Shipping and payment fee (gross, net from the order's rate), coupon, discounts."""
    shipping, payment = _sum(totals, "SHIPPING"), _sum(totals, "PAYMENT")
    coupon = _object(order, "coupon")
    return {
        "shippingGrossPrice": str(shipping),
        "shippingNetPrice": _net(shipping, order.get("shippingMethodTaxRate")),
        "paymentGrossPrice": str(payment),
        "paymentNetPrice": _net(payment, order.get("paymentMethodTaxRate")),
        "couponCode": text(coupon.get("code")),
        "couponGrossPrice": _discount(_sum(totals, "COUPON", lambda key: key != CART_DISCOUNT)),
        "cartAmountDiscount": _discount(_sum(totals, "COUPON", lambda key: key == CART_DISCOUNT)),
        "loyaltyPointsUsed": _discount(_sum(totals, "LOYALTYPOINTS_TO_USE")),
    }


def _sums(order: dict[str, Any], totals: list[dict[str, Any]]) -> dict[str, Any]:
    """The webhook's `total` is the net, `totalGross` the gross (REST `total`), `taxPrice`."""
    gross = _sum(totals, "TOTAL") if _has(totals, "TOTAL") else decimal(order.get("total"))
    return {
        "total": str(_sum(totals, "SUB_TOTAL")),
        "totalGross": str(gross),
        "taxPrice": str(_sum(totals, "TAX")),
    }


def _status(
    order: dict[str, Any], history: dict[str, Any] | None, statuses: Mapping[str, ShopStatus]
) -> dict[str, str]:
    """The latest status as the webhook names it; without a history entry, the order's own
    status at its last update (a webhook of that status then has another identity)."""
    link = (history or {}).get("orderStatus") or order.get("orderStatus")
    status = statuses.get(resource_id(link), ShopStatus("", ""))
    when = text((history or {}).get("dateAdded")) or text(order.get("dateUpdated"))
    return {
        "status": status.inner_id,
        "statusText": status.name,
        "comment": text((history or {}).get("comment")),
        "dateAdded": when.replace("T", " "),
    }


def _products(order: dict[str, Any], currency: str) -> list[dict[str, Any]]:
    return [
        _product(p, currency) for p in as_list(order.get("orderProducts")) if isinstance(p, dict)
    ]


def _product(line: dict[str, Any], currency: str) -> dict[str, Any]:
    """A line: net unit `price`, `taxRate`, quantity from the warehouses it was ordered from."""
    copied = ("name", "sku", "price", "grossPrice", "taxRate")
    shaped: dict[str, Any] = {name: line[name] for name in copied if name in line}
    return shaped | {
        "innerId": text(line.get("innerId")),
        "innerResourceId": f"orderProducts/{text(line.get('id'))}",
        "currency": currency,
        "quantity": _quantity(line),
    }


def _quantity(line: dict[str, Any]) -> Any:
    """`quantity` where given, else stock1 + … + stock4 (what the order took from each)."""
    if "quantity" in line:
        return line["quantity"]
    return str(sum((decimal(line.get(f"stock{n}")) for n in range(1, 5)), Decimal(0)))


def _object(order: dict[str, Any], name: str) -> dict[str, Any]:
    """An embedded object of orderExtend ({} when absent or only a link)."""
    value = order.get(name)
    return value if isinstance(value, dict) else {}


def _sum(totals: list[dict[str, Any]], kind: str, keyed: Any = None) -> Decimal:
    """The rows of one type added up (those whose `key` passes `keyed`, when given)."""
    rows = [t for t in totals if text(t.get("type")) == kind]
    if keyed is not None:
        rows = [t for t in rows if keyed(text(t.get("key")))]
    return sum((decimal(t.get("value")) for t in rows), Decimal(0))


def _has(totals: list[dict[str, Any]], kind: str) -> bool:
    return any(text(t.get("type")) == kind for t in totals)


def _net(gross: Decimal, rate: Any) -> str:
    """The net a gross fee implies at the order's rate for it; "" when the rate is unset (-1)."""
    percent = decimal(rate, Decimal(-1))
    if not gross or percent < 0:
        return ""
    return str((gross * HUNDRED / (HUNDRED + percent)).quantize(NET_STEP))


def _discount(amount: Decimal) -> str | None:
    """A discount as the webhook gives it: the amount, or null when the order has none."""
    return str(amount) if amount else None
