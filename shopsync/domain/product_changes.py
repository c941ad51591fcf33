"""What saving a product spec changes of a stored product: fields and prices, by SKU."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from shopsync.domain.product_input import ProductSpec

Change = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class StoredProduct:
    """A product as the catalog holds it: its fields and net prices by price group id."""

    id: int
    fields: Mapping[str, Any]
    prices: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductWrite:
    """What to write of one product (all of it when new) and the change it announces."""

    account_id: int
    sku: str
    fields: Mapping[str, Any]
    prices: Mapping[int, Decimal]  # net by price group id
    change: Literal["created", "updated"]


def wanted_fields(spec: ProductSpec, group_id: int | None) -> dict[str, Any]:
    """The fields a spec sets: the group and base price only when it gives them."""
    wanted: dict[str, Any] = {"name": spec.name, "vat_rate": spec.vat_rate}
    if spec.group:
        wanted["group_id"] = group_id
    if spec.net_price is not None:
        wanted["net_price"] = spec.net_price
    return wanted


def changed(current: Mapping[Any, Any], wanted: Mapping[Any, Any]) -> dict[Any, Any]:
    """The entries of `wanted` that differ from `current` (or that it lacks)."""
    return {k: v for k, v in wanted.items() if current.get(k) != v}


def change_of(
    stored: StoredProduct | None, fields: Mapping[str, Any], prices: Mapping[int, Decimal]
) -> Change:
    if stored is None:
        return "created"
    return "updated" if fields or prices else "unchanged"
