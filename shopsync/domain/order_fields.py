"""Strict readers of one webhook field: a text within its column, an amount, a number.

Each raises OrderRejected naming the field, what it held and why it is refused.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from shopsync.domain.shoprenter_values import is_empty

MAX_MONEY = Decimal("1e10")  # per unit or per order, in the order's currency
ZERO = Decimal(0)
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


class OrderRejected(ValueError):
    """An order ShopSync will not turn into a document as it is: which field, what, why."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        self.field = field
        self.value = str(value)[:200]
        self.reason = reason
        super().__init__(f"{field}: {reason} (given: {self.value[:80]!r})")


def read_text(raw: dict[str, Any], name: str, limit: int | None = None) -> str:
    """A text field stripped, "" when empty; within its column's length, without NUL."""
    value = raw.get(name)
    if type(value) is str:  # nearly every field: skip the general checks
        value = value.strip()
    elif is_empty(value) or isinstance(value, dict | list):
        return ""
    else:
        value = str(value).strip()
    return within_limit(name, value, limit or LIMITS.get(name, 300)) if value else ""


def within_limit(name: str, value: str, limit: int) -> str:
    """The value as it is, or OrderRejected: a NUL, or longer than `limit`."""
    if "\x00" in value:
        raise OrderRejected(name, value.replace("\x00", "\\0"), "contains a NUL character")
    if len(value) > limit:
        raise OrderRejected(name, value, f"longer than {limit} characters ({len(value)})")
    return value


def read_money(
    raw: dict[str, Any], name: str, required: bool = False, signed: bool = False
) -> Decimal:
    """An amount within MAX_MONEY either way; negative only where `signed`."""
    amount = read_number(name, raw.get(name), required=required)
    if not signed and amount < ZERO:
        raise OrderRejected(name, amount, "a price cannot be negative")
    if amount > MAX_MONEY or -amount > MAX_MONEY:
        raise OrderRejected(name, amount, f"more than {MAX_MONEY:,f}")
    return amount


def read_number(
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
