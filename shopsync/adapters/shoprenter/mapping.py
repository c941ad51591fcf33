"""Shoprenter JSON ↔ ShopSync's view of a product: pure functions, tolerant of the API's habits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopsync.domain.shoprenter_values import as_list, decimal, text

STOCK_FIELDS = ("stock1", "stock2", "stock3", "stock4")


@dataclass(frozen=True)
class RemoteProduct:
    """A shop's product as ShopSync needs it."""

    resource_id: str
    sku: str
    name: str
    net_price: Decimal
    stock: dict[str, Decimal]
    status: str
    tax_class_id: str
    category_ids: tuple[str, ...]
    updated: str
    sale_price: Decimal | None = None  # the first special by priority (productExtend only)


def link_id(link: Any) -> str:
    """The id at the end of `{"href": ".../taxClasses/ID"}` or `{"id": "ID"}`; "" if none."""
    if not isinstance(link, dict):
        return ""
    if text(link.get("id")):
        return text(link.get("id"))
    href = text(link.get("href"))
    return href.rstrip("/").rsplit("/", 1)[-1].split("?")[0] if href else ""


def product_from_json(data: dict[str, Any]) -> RemoteProduct:
    """Read a /products or /productExtend object; names come from embedded descriptions."""
    descriptions = [d for d in as_list(data.get("productDescriptions")) if isinstance(d, dict)]
    name = next((text(d.get("name")) for d in descriptions if text(d.get("name"))), "")
    relations = [r for r in as_list(data.get("productCategoryRelations")) if isinstance(r, dict)]
    return RemoteProduct(
        resource_id=text(data.get("id")),
        sku=text(data.get("sku")),
        name=name,
        net_price=decimal(data.get("price")),
        stock={f: decimal(data.get(f)) for f in STOCK_FIELDS},
        status=text(data.get("status")) or "1",
        tax_class_id=link_id(data.get("taxClass")),
        category_ids=tuple(link_id(r.get("category")) for r in relations if r.get("category")),
        updated=text(data.get("dateUpdated")),
        sale_price=_sale_price(data.get("productSpecials")),
    )


def _sale_price(specials: Any) -> Decimal | None:
    """The shop's sale price as an upload writes it: the special first by priority."""
    listed = [s for s in as_list(specials) if isinstance(s, dict) and text(s.get("price"))]
    if not listed:
        return None
    first = min(listed, key=lambda s: decimal(s.get("priority")))
    return decimal(first.get("price"))


def price_text(amount: Decimal) -> str:
    """Money as Shoprenter writes it: a string with four decimals."""
    return f"{amount.quantize(Decimal('0.0001')):f}"


def product_update_json(
    net_price: Decimal | None = None,
    stock_field: str | None = None,
    quantity: Decimal | None = None,
) -> dict[str, Any]:
    """A partial product body: only the fields that change (the API merges)."""
    body: dict[str, Any] = {}
    if net_price is not None:
        body["price"] = price_text(net_price)
    if stock_field is not None and quantity is not None:
        if stock_field not in STOCK_FIELDS:
            raise ValueError(f"unknown stock field {stock_field!r}")
        body[stock_field] = f"{quantity.normalize():f}"
    return body
