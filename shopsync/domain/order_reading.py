"""Reading one order of a webhook strictly: every number and text checked, the fault named.

An order that fails is held for review (see shopsync.service_layer.order_intake), never
issued with a guess: "abc" is not a price of 0, a quantity of -5 is not a return, a name of
400 characters is not silently cut to the column's 300.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopsync.domain.order_charges import read_charges
from shopsync.domain.order_fields import (
    LIMITS,
    OrderRejected,
    read_money,
    read_number,
    read_text,
    within_limit,
)
from shopsync.domain.orders import Buyer, Order, OrderItem, order_status
from shopsync.domain.shoprenter_values import is_empty, nested_list
from shopsync.domain.vat import STANDARD_VAT_RATES

__all__ = ["OrderRejected", "read_order"]

MAX_QUANTITY = Decimal("1e6")
QUANTITY_STEP = Decimal("0.001")
CURRENCY = re.compile(r"^[A-Z]{3}$")
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


def read_order(raw: dict[str, Any], vat_rates: Collection[Decimal] = STANDARD_VAT_RATES) -> Order:
    """One order object of the webhook payload; `firstname` holds the family name."""
    head = _head(raw, vat_rates)
    charges = read_charges(raw)
    method = (read_text(raw, "paymentMethodName"), read_text(raw, "paymentMethodCode").upper())
    total = None if is_empty(raw.get("totalGross")) else read_money(raw, "totalGross")
    # Read in the order of Order's fields, so that of many faults the first is the one named.
    return Order(*head, charges, *method, total, _buyer(raw))


def _head(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> _Head:
    """The order's id, status (id, text, time), currency and items."""
    status = order_status(raw)
    currency = (read_text(raw, "currency", 10) or "HUF").upper()
    if not CURRENCY.match(currency):
        raise OrderRejected("currency", currency, "not an ISO 4217 code (three letters)")
    products = nested_list(raw.get("orderProducts"), "orderProduct")
    items = tuple(_item(product, vat_rates) for product in products)
    order_id = read_text(raw, "innerId")
    status_id = within_limit("orderHistory.status", status.status_id, LIMITS["status"])
    return order_id, status_id, status.status_text[:200], status.at, currency, items


def _item(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> OrderItem:
    sku = read_text(raw, "sku")
    rate = _item_rate(raw, vat_rates)
    quantity = _item_quantity(raw)
    return OrderItem(
        name=_item_name(raw, sku),
        sku=sku,
        unit_net_price=read_money(raw, "price", required=True),
        vat_rate=rate,
        quantity=quantity,
    )


def _item_name(raw: dict[str, Any], sku: str) -> str:
    """The product's name with the options chosen: "Póló (Szín: piros, Méret: L)".

    An option's price is already in the product's unit price (Shoprenter keeps OpenCart's
    order lines: the price paid per unit [I]), so it is named here, not added again.
    """
    name = read_text(raw, "name") or sku or "Termék"
    options = [
        _option(o) for o in nested_list(raw.get("orderProductOptions"), "orderProductOption")
    ]
    chosen = ", ".join(option for option in options if option)
    return within_limit(
        "orderProduct.name", f"{name} ({chosen})" if chosen else name, LIMITS["name"]
    )


def _option(raw: dict[str, Any]) -> str:
    name, value = read_text(raw, "name"), read_text(raw, "valueName")
    return f"{name}: {value}" if name and value else name or value


def _item_rate(raw: dict[str, Any], vat_rates: Collection[Decimal]) -> Decimal:
    rate = read_number("orderProduct.taxRate", raw.get("taxRate"), required=True)
    if rate not in vat_rates:
        allowed = ", ".join(f"{r.normalize():f}" for r in sorted(vat_rates))
        raise OrderRejected("orderProduct.taxRate", rate, f"not a VAT rate of the shop ({allowed})")
    return rate


def _item_quantity(raw: dict[str, Any]) -> Decimal:
    quantity = read_number("orderProduct.quantity", raw.get("quantity"), default=Decimal(1))
    if not Decimal(0) < quantity <= MAX_QUANTITY or quantity != quantity.quantize(QUANTITY_STEP):
        raise OrderRejected("orderProduct.quantity", quantity, "must be above 0 (3 decimals)")
    return quantity


def _buyer(raw: dict[str, Any]) -> Buyer:
    name, company, country = _buyer_identity(raw)
    address = _billing_address(raw)
    return Buyer(
        name=name,
        company=company,
        tax_number=read_text(raw, "paymentTaxnumber"),
        email=read_text(raw, "email"),
        country=country,
        country_code=_country_code(raw, country),
        postcode=read_text(raw, "paymentPostcode", 20),
        city=read_text(raw, "paymentCity", 100),
        address=within_limit("paymentAddress", address, LIMITS["address"]),
    )


def _buyer_identity(raw: dict[str, Any]) -> tuple[str, str, str]:
    """The buyer's name (the company's, else family and given name), company, billing country."""
    family = read_text(raw, "paymentFirstname", LIMITS["buyer"]) or read_text(raw, "firstname", 300)
    given = read_text(raw, "paymentLastname", LIMITS["buyer"]) or read_text(raw, "lastname", 300)
    company = read_text(raw, "paymentCompany", LIMITS["buyer"])
    country = read_text(raw, "paymentCountryName", 100)
    name = within_limit("buyer name", company or f"{family} {given}".strip(), LIMITS["buyer"])
    return name, company, country


def _billing_address(raw: dict[str, Any]) -> str:
    """Both address lines as one (its length is checked as a whole, on the Buyer)."""
    lines = (read_text(raw, "paymentAddress1"), read_text(raw, "paymentAddress2"))
    return " ".join(line for line in lines if line)


def _country_code(raw: dict[str, Any], country: str) -> str:
    """The ISO code the webhook gives, else the one of a billing country name we know."""
    code = read_text(raw, "paymentCountryIsoCode2", 2).upper()
    return code or COUNTRY_CODES.get(country.lower(), "")
