"""What a stock upload reads and writes in the database: the summed levels of the selected
warehouses, the shop ids of linked products, and new links for products found by SKU.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Product, ProductLink, ShopConnection, StockLevel


async def uploading_connections(session: AsyncSession, account_id: int) -> list[int]:
    """The account's enabled connections that upload stock."""
    rows = await session.execute(
        select(ShopConnection.id).where(
            ShopConnection.account_id == account_id,
            ShopConnection.enabled.is_(True),
            ShopConnection.stock_enabled.is_(True),
            ShopConnection.stock_mode == "upload",
        )
    )
    return list(rows.scalars())


async def account_skus(session: AsyncSession, account_id: int) -> set[str]:
    rows = await session.execute(select(Product.sku).where(Product.account_id == account_id))
    return set(rows.scalars())


async def sums(
    session: AsyncSession, connection: ShopConnection, skus: set[str]
) -> dict[str, Decimal]:
    """Per SKU of the account, the sum of its levels in the connection's upload warehouses."""
    warehouses = connection.stock_upload_warehouse_ids or []
    rows = await session.execute(
        select(Product.sku, func.coalesce(func.sum(StockLevel.quantity), 0))
        .outerjoin(
            StockLevel,
            (StockLevel.product_id == Product.id) & StockLevel.warehouse_id.in_(warehouses),
        )
        .where(Product.account_id == connection.account_id, Product.sku.in_(list(skus)))
        .group_by(Product.sku)
    )
    return {sku: Decimal(total) for sku, total in rows.all()}


async def remote_ids(session: AsyncSession, connection_id: int, skus: set[str]) -> dict[str, str]:
    """The shop's product id of each linked SKU."""
    rows = await session.execute(
        select(Product.sku, ProductLink.remote_id)
        .join(ProductLink, ProductLink.product_id == Product.id)
        .where(
            ProductLink.connection_id == connection_id,
            Product.sku.in_(list(skus)),
            ProductLink.remote_id != "",
        )
    )
    return dict(rows.all())


async def link_found(session: AsyncSession, connection_id: int, remote: dict[str, str]) -> None:
    """Link the account's products to the shop ids found for their SKUs, where not yet linked."""
    products = await _product_ids(session, connection_id, list(remote))
    known = await _linked(session, connection_id, list(products.values()))
    for sku, remote_id in remote.items():
        product_id = products.get(sku)
        if product_id is not None and product_id not in known:
            session.add(
                ProductLink(connection_id=connection_id, product_id=product_id, remote_id=remote_id)
            )


async def _product_ids(
    session: AsyncSession, connection_id: int, skus: list[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(Product.sku, Product.id)
        .join(ShopConnection, ShopConnection.account_id == Product.account_id)
        .where(ShopConnection.id == connection_id, Product.sku.in_(skus))
    )
    return dict(rows.all())


async def _linked(session: AsyncSession, connection_id: int, product_ids: list[int]) -> set[int]:
    rows = await session.execute(
        select(ProductLink.product_id).where(
            ProductLink.connection_id == connection_id, ProductLink.product_id.in_(product_ids)
        )
    )
    return set(rows.scalars())
