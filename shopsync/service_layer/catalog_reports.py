"""What the catalog holds, for the CLI: products with prices and stock, a SKU's movements."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import (
    Document,
    Price,
    PriceGroup,
    Product,
    ProductGroup,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shopsync.service_layer.catalog_admin import CatalogError, account_named


async def list_products(
    session: AsyncSession, account_name: str, group: str | None = None
) -> list[dict[str, Any]]:
    account = await account_named(session, account_name)
    query = (
        select(Product, ProductGroup.name)
        .outerjoin(ProductGroup, ProductGroup.id == Product.group_id)
        .where(Product.account_id == account.id)
        .order_by(Product.sku)
    )
    if group is not None:
        query = query.where(ProductGroup.name == group)
    rows = (await session.execute(query)).all()
    stock = await _stock_totals(session, [p.id for p, _ in rows])
    return [_listed(p, g or "", stock.get(p.id, Decimal(0))) for p, g in rows]


def _listed(product: Product, group: str, stock: Decimal) -> dict[str, Any]:
    return {**_described(product, group), "stock": stock}


def _described(product: Product, group: str) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "group": group,
        "vat_rate": product.vat_rate,
        "net_price": product.net_price,
    }


async def show_product(session: AsyncSession, account_name: str, sku: str) -> dict[str, Any]:
    product, group = await _product(session, account_name, sku)
    prices = await session.execute(
        select(PriceGroup.name, Price.net_price)
        .join(Price, Price.price_group_id == PriceGroup.id)
        .where(Price.product_id == product.id)
        .order_by(PriceGroup.name)
    )
    return {
        **_described(product, group),
        "prices": {name: net for name, net in prices},
        "stock": await _levels(session, product.id),
    }


async def stock_of(session: AsyncSession, account_name: str, sku: str) -> dict[str, Any]:
    """A SKU's level per warehouse and the movements that made it (newest first, 100)."""
    product, _ = await _product(session, account_name, sku)
    movements = await session.execute(
        select(StockMovement, Warehouse.name, Document.document_number, Document.kind)
        .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
        .outerjoin(Document, Document.id == StockMovement.document_id)
        .where(StockMovement.product_id == product.id)
        .order_by(StockMovement.id.desc())
        .limit(100)
    )
    return {
        "sku": sku,
        "levels": await _levels(session, product.id),
        "movements": [_movement(*row) for row in movements],
    }


def _movement(
    m: StockMovement, warehouse: str, number: str | None, kind: str | None
) -> dict[str, Any]:
    return {
        "at": m.created_at,
        "warehouse": warehouse,
        "quantity": m.quantity,
        "reason": m.reason,
        "document_id": m.document_id,
        "document": number or (f"{kind} (draft)" if kind else ""),
        "note": m.note,
    }


async def _product(session: AsyncSession, account_name: str, sku: str) -> tuple[Product, str]:
    account = await account_named(session, account_name)
    query = (
        select(Product, ProductGroup.name)
        .outerjoin(ProductGroup, ProductGroup.id == Product.group_id)
        .where(Product.account_id == account.id, Product.sku == sku)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise CatalogError(f"no product with SKU {sku!r} in account {account_name!r}")
    return row[0], row[1] or ""


async def _levels(session: AsyncSession, product_id: int) -> dict[str, Decimal]:
    rows = await session.execute(
        select(Warehouse.name, StockLevel.quantity)
        .join(StockLevel, StockLevel.warehouse_id == Warehouse.id)
        .where(StockLevel.product_id == product_id)
        .order_by(Warehouse.name)
    )
    return {name: quantity for name, quantity in rows}


async def _stock_totals(session: AsyncSession, product_ids: list[int]) -> dict[int, Decimal]:
    if not product_ids:
        return {}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    query = select(StockLevel.product_id, StockLevel.quantity)
    for product_id, quantity in await session.execute(
        query.where(StockLevel.product_id.in_(product_ids))
    ):
        totals[product_id] += quantity
    return totals
