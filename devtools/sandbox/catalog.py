"""Putting generated or given products straight into a sandbox shop (tests, demo)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from devtools.sandbox.store import SandboxShop


def category_id(shop: SandboxShop, name: str) -> str:
    """The category with this (Hungarian) name, created on first use."""
    descriptions = shop.table("categoryDescriptions")
    for row in descriptions.rows.values():
        if row.fields.get("name") == name:
            return str(row.fields["category"])
    category = shop.table("categories").insert({"status": "1", "sortOrder": "0"})
    descriptions.insert(
        {"name": name, "category": category.resource_id, "language": shop.language_id()}
    )
    return category.resource_id


def add_products(shop: SandboxShop, items: list[dict[str, Any]]) -> int:
    """Insert products with a Hungarian description and category each; returns how many."""
    products = shop.table("products")
    descriptions = shop.table("productDescriptions")
    relations = shop.table("productCategoryRelations")
    categories: dict[str, str] = {}
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
        if item.get("category"):
            if item["category"] not in categories:
                categories[item["category"]] = category_id(shop, item["category"])
            relations.insert({"product": row.resource_id, "category": categories[item["category"]]})
    return len(items)
