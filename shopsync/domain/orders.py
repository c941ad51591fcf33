"""A Shoprenter order as ShopSync knows it (shopsync.domain.order_reading reads one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shopsync.domain.budapest import BUDAPEST
from shopsync.domain.shoprenter_values import as_list, text


@dataclass(frozen=True)
class OrderItem:
    name: str
    sku: str
    unit_net_price: Decimal
    vat_rate: Decimal
    quantity: Decimal


class ChargeKind(StrEnum):
    """What an amount on the order besides its products is: a fee, or a discount."""

    SHIPPING = "shipping"
    SHIPPING_EXTRA = "shipping_extra"  # the shipping mode's additional cost
    PAYMENT_FEE = "payment_fee"
    GIFT_WRAPPING = "gift_wrapping"
    COUPON = "coupon"
    CART_DISCOUNT = "cart_discount"  # the discount for a cart above an amount
    LOYALTY_POINTS = "loyalty_points"  # loyalty points spent, as money

    @property
    def is_discount(self) -> bool:
        return self in DISCOUNTS


DISCOUNTS = frozenset({ChargeKind.COUPON, ChargeKind.CART_DISCOUNT, ChargeKind.LOYALTY_POINTS})


@dataclass(frozen=True)
class Charge:
    """An amount of the order besides its products, gross; a discount is negative.

    `net` is the shop's own net where it gives one (shipping, fees): the VAT rate follows
    from it. A discount has none: it reduces the tax base of the goods it discounts.
    """

    kind: ChargeKind
    name: str
    gross: Decimal
    net: Decimal | None = None


@dataclass(frozen=True)
class Buyer:
    name: str
    company: str
    tax_number: str
    email: str
    country: str
    country_code: str  # ISO 3166 alpha-2, "" when Shoprenter gave neither code nor known name
    postcode: str
    city: str
    address: str

    @property
    def is_business(self) -> bool:
        return bool(self.company or self.tax_number)


@dataclass(frozen=True)
class Order:
    order_id: str
    status_id: str
    status_text: str
    status_at: datetime | None  # when the shop set the status (None: it did not say)
    currency: str
    items: tuple[OrderItem, ...]
    charges: tuple[Charge, ...]  # shipping, fees and discounts the order has (non-zero)
    payment_method: str  # as the shop names it, in the order's language
    payment_method_code: str  # e.g. COD, BANK_TRANSFER; often absent from webhooks
    total_gross: Decimal | None  # None: the webhook did not say
    buyer: Buyer
    #: A difference from the shop's total that an operator accepted on release (else None).
    accepted_difference: Decimal | None = None


@dataclass(frozen=True)
class OrderStatus:
    status_id: str
    status_text: str
    date_added: str

    @property
    def at(self) -> datetime | None:
        return status_time(self.date_added)


def status_time(value: str) -> datetime | None:
    """When a status was set, as aware UTC: "2025-12-01 20:57:40" is Budapest time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BUDAPEST)  # the shop's local time
    return moment.astimezone(UTC)


def order_status(raw: dict[str, Any]) -> OrderStatus:
    """The order's latest status; `orderHistory` may be an object or a list of them."""
    entries = [e for e in as_list(raw.get("orderHistory")) if isinstance(e, dict)]
    latest = entries[-1] if entries else {}
    return OrderStatus(
        status_id=text(latest.get("status")),
        status_text=text(latest.get("statusText")),
        date_added=text(latest.get("dateAdded")),
    )
