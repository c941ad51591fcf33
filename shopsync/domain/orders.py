"""A Shoprenter order as ShopSync reads it, from the webhook's tolerant JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from shopsync.domain.shoprenter_values import as_list, decimal, is_empty, nested_list, text

#: Shoprenter writes status times in the shop's local time, without a zone.
SHOP_ZONE = ZoneInfo("Europe/Budapest")

# Billing country names Shoprenter sends (in the shop's languages) → ISO codes; webhooks that
# carry paymentCountryIsoCode2 need none of this.
COUNTRY_CODES = {
    "magyarország": "HU",
    "hungary": "HU",
    "ungarn": "HU",
    "ausztria": "AT",
    "austria": "AT",
    "österreich": "AT",
    "németország": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "szlovákia": "SK",
    "slovakia": "SK",
    "románia": "RO",
    "romania": "RO",
    "horvátország": "HR",
    "croatia": "HR",
    "szlovénia": "SI",
    "slovenia": "SI",
    "szerbia": "RS",
    "serbia": "RS",
    "ukrajna": "UA",
    "ukraine": "UA",
    "csehország": "CZ",
    "czech republic": "CZ",
    "lengyelország": "PL",
    "poland": "PL",
}


@dataclass(frozen=True)
class OrderItem:
    name: str
    sku: str
    unit_net_price: Decimal
    vat_rate: Decimal
    quantity: Decimal


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
    shipping_name: str
    shipping_net: Decimal
    shipping_gross: Decimal
    payment_name: str
    payment_net: Decimal
    payment_gross: Decimal
    coupon_code: str
    coupon_gross: Decimal
    payment_method: str  # as the shop names it, in the order's language
    payment_method_code: str  # e.g. COD, BANK_TRANSFER; often absent from webhooks
    total_gross: Decimal | None  # None: the webhook did not say
    buyer: Buyer


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
        moment = moment.replace(tzinfo=SHOP_ZONE)
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


def read_order(raw: dict[str, Any]) -> Order:
    """Read one order object of the webhook payload; `firstname` holds the family name."""
    status = order_status(raw)
    return Order(
        order_id=text(raw.get("innerId")),
        status_id=status.status_id,
        status_text=status.status_text,
        status_at=status.at,
        currency=(text(raw.get("currency")) or "HUF").upper(),
        items=tuple(_item(p) for p in nested_list(raw.get("orderProducts"), "orderProduct")),
        shipping_name=text(raw.get("shippingMethodName")) or "Szállítás",
        shipping_net=decimal(raw.get("shippingNetPrice")),
        shipping_gross=decimal(raw.get("shippingGrossPrice")),
        payment_name=text(raw.get("paymentMethodName")) or "Fizetési díj",
        payment_net=decimal(raw.get("paymentNetPrice")),
        payment_gross=decimal(raw.get("paymentGrossPrice")),
        coupon_code=text(raw.get("couponCode")),
        coupon_gross=decimal(raw.get("couponGrossPrice")),
        payment_method=text(raw.get("paymentMethodName")),
        payment_method_code=text(raw.get("paymentMethodCode")).upper(),
        total_gross=None if is_empty(raw.get("totalGross")) else decimal(raw.get("totalGross")),
        buyer=_buyer(raw),
    )


def _item(raw: dict[str, Any]) -> OrderItem:
    return OrderItem(
        name=text(raw.get("name")) or text(raw.get("sku")) or "Termék",
        sku=text(raw.get("sku")),
        unit_net_price=decimal(raw.get("price")),
        vat_rate=decimal(raw.get("taxRate")),
        quantity=decimal(raw.get("quantity"), Decimal(1)),
    )


def _buyer(raw: dict[str, Any]) -> Buyer:
    family = text(raw.get("paymentFirstname")) or text(raw.get("firstname"))
    given = text(raw.get("paymentLastname")) or text(raw.get("lastname"))
    company = text(raw.get("paymentCompany"))
    country = text(raw.get("paymentCountryName"))
    return Buyer(
        name=company or f"{family} {given}".strip(),
        company=company,
        tax_number=text(raw.get("paymentTaxnumber")),
        email=text(raw.get("email")),
        country=country,
        country_code=(
            text(raw.get("paymentCountryIsoCode2")).upper()
            or COUNTRY_CODES.get(country.lower(), "")
        ),
        postcode=text(raw.get("paymentPostcode")),
        city=text(raw.get("paymentCity")),
        address=" ".join(
            p for p in (text(raw.get("paymentAddress1")), text(raw.get("paymentAddress2"))) if p
        ),
    )
