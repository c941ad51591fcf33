"""What the next catalog upload of a connection would create, overwrite or skip: read from the
database only, so `catalog plan`, the console's products tab and the upload share one plan."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Price, Product, ProductLink, ShopConnection
from shopsync.domain.catalog import LocalProduct, PlannedUpload, ShopSide, plan_upload


async def upload_plan(session: AsyncSession, connection: ShopConnection) -> list[PlannedUpload]:
    """The plan of the connection's next upload, as its settings stand now."""
    products = await local_products(session, connection)
    links = await product_links(session, connection.id)
    shop = {i: ShopSide(link.remote_id, link.uploaded_hash) for i, link in links.items()}
    excluded = set(connection.products_excluded_group_ids or [])
    with_sale = connection.products_sale_price_group_id is not None
    return plan_upload(products, shop, excluded, with_sale)


def plan_counts(plan: list[PlannedUpload]) -> dict[str, int]:
    """How many products each action takes (create, overwrite, skip_…), by action name."""
    return dict(sorted(Counter(p.action.value for p in plan).items()))


async def product_links(session: AsyncSession, connection_id: int) -> dict[int, ProductLink]:
    """Each product's link to the connection's shop, by product id."""
    query = select(ProductLink).where(ProductLink.connection_id == connection_id)
    return {link.product_id: link for link in (await session.execute(query)).scalars()}


async def local_products(session: AsyncSession, connection: ShopConnection) -> list[LocalProduct]:
    """The account's products with the prices the connection uploads (selling, sale)."""
    query = select(Product).where(Product.account_id == connection.account_id)
    rows = (await session.execute(query.order_by(Product.id))).scalars()
    selling = await _prices(session, connection.products_selling_price_group_id)
    sale = await _prices(session, connection.products_sale_price_group_id)
    return [
        LocalProduct(
            p.id, p.sku, p.name, p.group_id, selling.get(p.id, p.net_price), sale.get(p.id)
        )
        for p in rows
    ]


async def _prices(session: AsyncSession, group_id: int | None) -> dict[int, Decimal]:
    if group_id is None:
        return {}
    rows = await session.execute(
        select(Price.product_id, Price.net_price).where(Price.price_group_id == group_id)
    )
    return {r[0]: r[1] for r in rows}
