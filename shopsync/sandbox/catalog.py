"""Putting generated or given products straight into a sandbox shop (tests, demo)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopsync.sandbox.store import SandboxShop


def add_products(shop: SandboxShop, items: list[dict[str, Any]]) -> int:
    """Insert products with a Hungarian description each; returns how many."""
    products = shop.table("products")
    descriptions = shop.table("productDescriptions")
    for item in items:
        row = products.insert(
            {
                "sku": item["sku"],
                "price": f"{Decimal(str(item['price'])):.4f}",
                "stock1": str(item.get("stock1", "0")),
                "status": "1",
                "taxClass": shop.tax_class_for(Decimal(str(item.get("taxRate", "27")))),
            }
        )
        descriptions.insert(
            {
                "name": item["name"],
                "product": row.resource_id,
                "language": shop.language_id(),
                "measurementUnit": "db",
            }
        )
    return len(items)
