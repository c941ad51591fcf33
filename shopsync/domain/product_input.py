"""Products as an operator types or imports them: checked field by field, every fault named."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from shopsync.domain.vat import STANDARD_VAT_RATES

#: CSV columns: these, and one `price:GROUP` column per price group (net prices).
COLUMNS = ("sku", "name", "group", "vat_rate", "net_price")
PRICE_PREFIX = "price:"


class ProductInputError(ValueError):
    """What is wrong with a product as given; the message names the field (and line)."""


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    vat_rate: Decimal
    group: str = ""
    net_price: Decimal | None = None  # the base price; None keeps what the product has
    prices: Mapping[str, Decimal] = field(default_factory=dict)  # price group → net


def product_spec(
    sku: str,
    name: str,
    vat_rate: str,
    group: str = "",
    net_price: str = "",
    prices: Mapping[str, str] | None = None,
) -> ProductSpec:
    """A checked product: SKU and name within the database's limits, a Hungarian VAT rate."""
    sku, name, group = sku.strip(), name.strip(), group.strip()
    _check_texts(sku, name, group)
    rate = _vat_rate(vat_rate, sku)
    base_price = _amount("net_price", net_price) if net_price.strip() else None
    return ProductSpec(sku, name, rate, group, base_price, _group_prices(prices or {}))


def read_rows(rows: Iterable[Mapping[str, str | None]]) -> list[ProductSpec]:
    """Every row of a CSV file (header on line 1) or none: the errors name their lines."""
    specs: list[ProductSpec] = []
    errors: list[str] = []
    for line, row in enumerate(rows, start=2):
        try:
            specs.append(_row_spec(row))
        except ProductInputError as exc:
            errors.append(f"line {line}: {exc}")
    if duplicates := _duplicates(specs):
        errors.append(f"SKUs given more than once: {', '.join(duplicates)}")
    if errors:
        raise ProductInputError("; ".join(errors[:20]) + (" …" if len(errors) > 20 else ""))
    return specs


def _check_texts(sku: str, name: str, group: str) -> None:
    """Within the database's columns, and no NUL (which PostgreSQL's text refuses)."""
    if not sku or len(sku) > 100 or "\x00" in sku:
        raise ProductInputError(f"sku {sku!r}: 1 to 100 characters")
    if not name or len(name) > 500 or "\x00" in name:
        raise ProductInputError(f"name of {sku}: 1 to 500 characters")
    if len(group) > 200:
        raise ProductInputError(f"group of {sku}: at most 200 characters")


def _vat_rate(text: str, sku: str) -> Decimal:
    rate = _amount("vat_rate", text)
    if rate not in STANDARD_VAT_RATES:
        allowed = ", ".join(str(r) for r in STANDARD_VAT_RATES)
        raise ProductInputError(f"vat_rate {text!r} of {sku}: one of {allowed}")
    return rate


def _group_prices(prices: Mapping[str, str]) -> dict[str, Decimal]:
    """Net price by price group; a group left blank keeps what the product has."""
    return {g: _amount(f"{PRICE_PREFIX}{g}", v) for g, v in prices.items() if v.strip()}


def _row_spec(row: Mapping[str, str | None]) -> ProductSpec:
    values = {k.strip(): (v or "") for k, v in row.items() if k is not None}
    prices = {k[len(PRICE_PREFIX) :]: v for k, v in values.items() if k.startswith(PRICE_PREFIX)}
    return product_spec(
        values.get("sku", ""),
        values.get("name", ""),
        values.get("vat_rate", ""),
        values.get("group", ""),
        values.get("net_price", ""),
        prices,
    )


def _duplicates(specs: list[ProductSpec]) -> list[str]:
    counts = Counter(s.sku for s in specs)
    return sorted(sku for sku, n in counts.items() if n > 1)


def _amount(name: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ProductInputError(f"{name} {text!r} is not a number") from exc
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise ProductInputError(f"{name} {text!r}: a number from 0 to 10^12")
    return value
