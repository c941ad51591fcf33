"""Reading one order of a webhook strictly: every number and text checked, the fault named.

An order that fails is held for review (see shopsync.service_layer.order_intake), never
issued with a guess: "abc" is not a price of 0, a quantity of -5 is not a return, a name of
400 characters is not silently cut to the column's 300.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shopsync.domain.orders import Buyer, Order, OrderItem, order_status
from shopsync.domain.shoprenter_values import is_empty, nested_list
from shopsync.domain.vat import STANDARD_VAT_RATES

MAX_MONEY = Decimal("1e10")  # per unit or per order, in the order's currency
MAX_QUANTITY = Decimal("1e6")
QUANTITY_STEP = Decimal("0.001")
ZERO = Decimal(0)
CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Longest text each field may have: the database's columns (or sane bounds where it has none).
LIMITS = {
    "innerId": 100,
    "status": 50,
    "name": 500,
    "sku": 100,
    "buyer": 300,
    "paymentTaxnumber": 50,
    "email": 300,
    "paymentMethodName": 200,
    "paymentMethodCode": 50,
    "address": 300,
    "couponCode": 100,
    "shippingMethodName": 200,
}
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


#: An order's id, status id, status text, status time, currency and items (Order's first fields).
_Head = tuple[str, str, str, datetime | None, str, tuple[OrderItem, ...]]


class OrderRejected(ValueError):
    """An order ShopSync will not turn into a document as it is: which field, what, why."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        self.field = field
        self.value = str(value)[:200]
        self.reason = reason
        super().__init__(f"{field}: {reason} (given: {self.value[:80]!r})")


def read_order(raw: dict[str, Any], vat_rates: Collection[Decimal] = STANDARD_VAT_RATES) -> Order:
    """One order object of the webhook payload; `firstname` holds the family name."""
    head = _head(raw, vat_rates)
    shipping = _charge(raw, "shipping", "Szállítás")
    payment = _charge(raw, "payment", "Fizetési díj")
    coupon = (_text(raw, "couponCode"), abs(_money(raw, "couponGrossPrice", signed=True)))
    method = (_text(raw, "paymentMethodName"), _text(raw, "paymentMethodCode").upper())
    total = None if is_empty(raw.get("totalGross")) else _money(raw, "totalGross")
    # Read in the order of Order's fields, so that of many faults the first is the one named.
    return Order(*head, *shipping, *payment, *coupon, *method, total, _buyer(raw))


def _head(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> _Head:
    """The order's id, status (id, text, time), currency and items."""
    status = order_status(raw)
    currency = (_text(raw, "currency", 10) or "HUF").upper()
    if not CURRENCY.match(currency):
        raise OrderRejected("currency", currency, "not an ISO 4217 code (three letters)")
    products = nested_list(raw.get("orderProducts"), "orderProduct")
    items = tuple(_item(product, vat_rates) for product in products)
    order_id = _text(raw, "innerId")
    status_id = _limited("orderHistory.status", status.status_id, LIMITS["status"])
    return order_id, status_id, status.status_text[:200], status.at, currency, items


def _charge(raw: dict[str, Any], prefix: str, default_name: str) -> tuple[str, Decimal, Decimal]:
    """Shipping's or the payment fee's name, net and gross (`shippingMethodName`, ...)."""
    name = _text(raw, f"{prefix}MethodName") or default_name
    return name, _money(raw, f"{prefix}NetPrice"), _money(raw, f"{prefix}GrossPrice")


def _item(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> OrderItem:
    sku = _text(raw, "sku")
    rate = _item_rate(raw, vat_rates)
    quantity = _item_quantity(raw)
    return OrderItem(
        name=_text(raw, "name") or sku or "Termék",
        sku=sku,
        unit_net_price=_money(raw, "price", required=True),
        vat_rate=rate,
        quantity=quantity,
    )


def _item_rate(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> Decimal:
    rate = _number("orderProduct.taxRate", raw.get("taxRate"), required=True)
    if rate not in vat_rates:
        allowed = ", ".join(f"{r.normalize():f}" for r in sorted(vat_rates))
        raise OrderRejected("orderProduct.taxRate", rate, f"not a VAT rate of the shop ({allowed})")
    return rate


def _item_quantity(raw: dict[str, Any]) -> Decimal:
    quantity = _number("orderProduct.quantity", raw.get("quantity"), default=Decimal(1))
    if not ZERO < quantity <= MAX_QUANTITY or quantity != quantity.quantize(QUANTITY_STEP):
        raise OrderRejected("orderProduct.quantity", quantity, "must be above 0 (3 decimals)")
    return quantity


def _buyer(raw: dict[str, Any]) -> Buyer:
    name, company, country = _buyer_identity(raw)
    address = " ".join(
        p for p in (_text(raw, "paymentAddress1"), _text(raw, "paymentAddress2")) if p
    )
    return Buyer(
        name=name,
        company=company,
        tax_number=_text(raw, "paymentTaxnumber"),
        email=_text(raw, "email"),
        country=country,
        country_code=_country_code(raw, country),
        postcode=_text(raw, "paymentPostcode", 20),
        city=_text(raw, "paymentCity", 100),
        address=_limited("paymentAddress", address, LIMITS["address"]),
    )


def _buyer_identity(raw: dict[str, Any]) -> tuple[str, str, str]:
    """The buyer's name (the company's, else family and given name), company, billing country."""
    family = _text(raw, "paymentFirstname", LIMITS["buyer"]) or _text(raw, "firstname", 300)
    given = _text(raw, "paymentLastname", LIMITS["buyer"]) or _text(raw, "lastname", 300)
    company = _text(raw, "paymentCompany", LIMITS["buyer"])
    country = _text(raw, "paymentCountryName", 100)
    name = _limited("buyer name", company or f"{family} {given}".strip(), LIMITS["buyer"])
    return name, company, country


def _country_code(raw: dict[str, Any], country: str) -> str:
    """The ISO code the webhook gives, else the one of a billing country name we know."""
    code = _text(raw, "paymentCountryIsoCode2", 2).upper()
    return code or COUNTRY_CODES.get(country.lower(), "")


def _text(raw: dict[str, Any], name: str, limit: int | None = None) -> str:
    value = raw.get(name)
    if type(value) is str:  # nearly every field: skip the general checks
        value = value.strip()
    elif is_empty(value) or isinstance(value, dict | list):
        return ""
    else:
        value = str(value).strip()
    return _limited(name, value, limit or LIMITS.get(name, 300)) if value else ""


def _limited(name: str, value: str, limit: int) -> str:
    if "\x00" in value:
        raise OrderRejected(name, value.replace("\x00", "\\0"), "contains a NUL character")
    if len(value) > limit:
        raise OrderRejected(name, value, f"longer than {limit} characters ({len(value)})")
    return value


def _money(raw: dict[str, Any], name: str, required: bool = False, signed: bool = False) -> Decimal:
    amount = _number(name, raw.get(name), required=required)
    if not signed and amount < ZERO:
        raise OrderRejected(name, amount, "a price cannot be negative")
    if amount > MAX_MONEY or -amount > MAX_MONEY:
        raise OrderRejected(name, amount, f"more than {MAX_MONEY:,f}")
    return amount


def _number(
    name: str, value: Any, required: bool = False, default: Decimal = Decimal(0)
) -> Decimal:
    """A decimal from a string or a number; empty gives the default unless required."""
    if type(value) is not str or value == "":  # a string: how Shoprenter sends numbers
        if is_empty(value):
            if required:
                raise OrderRejected(name, "", "missing")
            return default
        if isinstance(value, dict | list | bool):
            raise OrderRejected(name, value, "not a number")
    return _parsed_number(name, value)


def _parsed_number(name: str, value: Any) -> Decimal:
    """What the value says as a finite decimal; a decimal comma is read as a point."""
    written = str(value).strip()
    try:
        number = Decimal(written.replace(",", ".") if "," in written else written)
    except InvalidOperation as exc:
        raise OrderRejected(name, value, "not a number") from exc
    if not number.is_finite():
        raise OrderRejected(name, value, "not a finite number")
    return number
