"""A downloaded page into the account's rows: products, the download price and the shop links,
with a handful of queries per page, not a few per product. The rules are in
`shopsync.domain.catalog_merge`; this module only reads and writes what they decide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Price, Product, ProductGroup, ProductLink, ShopConnection
from shopsync.adapters.shoprenter.mapping import RemoteProduct
from shopsync.domain.catalog_merge import (
    LocalFields,
    ProductMerge,
    ShopProduct,
    group_names,
    merge_page,
)

if TYPE_CHECKING:
    from services.catalog_sync.download import DownloadReport


async def upsert_page(
    session: AsyncSession,
    connection: ShopConnection,
    page: list[ShopProduct],
    categories: dict[str, str],
    report: DownloadReport,
) -> None:
    """Upsert a page of products by SKU, their download price and their links to the shop."""
    if not page:
        return
    account_id = connection.account_id
    products = await _products_by_sku(session, account_id, [p.sku for p in page])
    group_ids = await _group_ids(session, account_id, group_names(page, categories), report)
    with_sale = connection.products_sale_price_group_id is not None
    merges = merge_page(page, _local_fields(products), group_ids, categories, with_sale)
    _write_products(session, account_id, products, merges, report)
    await session.flush()
    await _write_prices_and_links(session, connection, [products[m.sku] for m in merges], merges)


def shop_product(remote: RemoteProduct) -> ShopProduct:
    """What a download merges of the shop's product."""
    return ShopProduct(
        remote.resource_id,
        remote.sku,
        remote.name,
        remote.net_price,
        remote.sale_price,
        remote.category_ids,
    )


async def _products_by_sku(
    session: AsyncSession, account_id: int, skus: Collection[str]
) -> dict[str, Product]:
    query = select(Product).where(Product.account_id == account_id, Product.sku.in_(skus))
    return {p.sku: p for p in (await session.execute(query)).scalars()}


def _local_fields(products: dict[str, Product]) -> dict[str, LocalFields]:
    return {sku: LocalFields(p.name, p.group_id) for sku, p in products.items()}


def _write_products(
    session: AsyncSession,
    account_id: int,
    products: dict[str, Product],
    merges: list[ProductMerge],
    report: DownloadReport,
) -> None:
    """Create or update each merged product (`products` gains the new ones)."""
    for merge in merges:
        product = products.get(merge.sku)
        if product is None:
            product = products[merge.sku] = Product(account_id=account_id, sku=merge.sku)
            session.add(product)
        product.name = merge.name
        product.net_price = merge.net_price
        product.group_id = merge.group_id
    report.created += sum(m.created for m in merges)
    report.updated += sum(not m.created for m in merges)


async def _write_prices_and_links(
    session: AsyncSession,
    connection: ShopConnection,
    products: list[Product],
    merges: list[ProductMerge],
) -> None:
    price_group = connection.products_download_price_group_id
    ids = [p.id for p in products]
    links = await _links(session, connection.id, ids)
    prices = await _prices(session, price_group, ids) if price_group else {}
    for product, merge in zip(products, merges, strict=True):
        if price_group:
            _write_price(session, prices.get(product.id), price_group, product.id, merge)
        _write_link(session, links.get(product.id), connection.id, product.id, merge)


async def _links(
    session: AsyncSession, connection_id: int, product_ids: list[int]
) -> dict[int, ProductLink]:
    query = select(ProductLink).where(
        ProductLink.connection_id == connection_id, ProductLink.product_id.in_(product_ids)
    )
    return {link.product_id: link for link in (await session.execute(query)).scalars()}


async def _prices(
    session: AsyncSession, price_group: int, product_ids: list[int]
) -> dict[int, Price]:
    query = select(Price).where(
        Price.price_group_id == price_group, Price.product_id.in_(product_ids)
    )
    return {price.product_id: price for price in (await session.execute(query)).scalars()}


def _write_price(
    session: AsyncSession,
    price: Price | None,
    price_group: int,
    product_id: int,
    merge: ProductMerge,
) -> None:
    if price is None:
        session.add(
            Price(price_group_id=price_group, product_id=product_id, net_price=merge.net_price)
        )
    else:
        price.net_price = merge.net_price


def _write_link(
    session: AsyncSession,
    link: ProductLink | None,
    connection_id: int,
    product_id: int,
    merge: ProductMerge,
) -> None:
    if link is None:
        link = ProductLink(
            connection_id=connection_id, product_id=product_id, remote_id=merge.remote_id
        )
        session.add(link)
    link.remote_id = merge.remote_id
    # No ping-pong: what was just downloaded counts as already uploaded.
    link.downloaded_hash = link.uploaded_hash = merge.exchanged_hash


async def _group_ids(
    session: AsyncSession, account_id: int, names: Iterable[str], report: DownloadReport
) -> dict[str, int]:
    """The account's group of each category name, created when missing ("" names none)."""
    ids: dict[str, int] = {}
    for name in dict.fromkeys(n for n in names if n):
        ids[name] = await _group(session, account_id, name, report)
    return ids


async def _group(session: AsyncSession, account_id: int, name: str, report: DownloadReport) -> int:
    cache: dict[tuple[int, str], int] = session.info.setdefault("groups", {})
    if (account_id, name) in cache:
        return cache[(account_id, name)]
    query = select(ProductGroup).where(
        ProductGroup.account_id == account_id, ProductGroup.name == name
    )
    group = (await session.execute(query)).scalar_one_or_none()
    if group is None:
        group = ProductGroup(account_id=account_id, name=name)
        session.add(group)
        await session.flush()
        report.groups_created += 1
    cache[(account_id, name)] = group.id
    return group.id
