"""Catalog upload to the sandbox over HTTP: only changes, never excluded groups, specials."""

from __future__ import annotations

import random
from decimal import Decimal

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import (
    Price,
    PriceGroup,
    Product,
    ProductGroup,
    ProductLink,
    ShopConnection,
)
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.catalog import UploadAction
from shopsync.service_layer.shops import apply_settings
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration


async def local_catalog(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, count: int = 40
) -> tuple[int, int, list[str], list[str]]:
    """Products in two groups ("Kert" excluded), selling prices, sale prices on every 4th."""
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("a-"))
        aid = connection.account_id
        kept, excluded = (
            ProductGroup(account_id=aid, name="Virágok"),
            ProductGroup(account_id=aid, name="Kert"),
        )
        selling, sale = (
            PriceGroup(account_id=aid, name="Bolti"),
            PriceGroup(account_id=aid, name="Akciós"),
        )
        session.add_all([kept, excluded, selling, sale])
        await session.flush()
        kept_skus: list[str] = []
        excluded_skus: list[str] = []
        for n in range(count):
            group = kept if n % 2 == 0 else excluded
            product = Product(
                account_id=aid,
                sku=f"L-{n:03d}",
                name=f"Termék ő{n}",
                group_id=group.id,
                net_price=Decimal(100 + n),
            )
            session.add(product)
            await session.flush()
            session.add(
                Price(price_group_id=selling.id, product_id=product.id, net_price=Decimal(1000 + n))
            )
            if n % 4 == 0:
                session.add(
                    Price(price_group_id=sale.id, product_id=product.id, net_price=Decimal(800 + n))
                )
            (kept_skus if group is kept else excluded_skus).append(product.sku)
        apply_settings(
            connection,
            {
                "products_upload_enabled": True,
                "products_excluded_group_ids": [excluded.id],
                "products_selling_price_group_id": selling.id,
                "products_sale_price_group_id": sale.id,
            },
        )
        await session.commit()
        return connection.id, aid, kept_skus, excluded_skus


def shop_products(shop) -> dict[str, dict]:
    return {row.fields["sku"]: row.fields for row in shop.table("products").rows.values()}


async def test_first_upload_creates_only_non_excluded_products_with_prices_and_specials(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    cid, _, kept, excluded = await local_catalog(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    report = await CatalogUploader(sessions).run(cid, client)
    assert (report.created, report.skipped_excluded, report.failed) == (20, 20, {})
    in_shop = shop_products(shop)
    assert set(in_shop) == set(kept)
    assert not set(shop.stats.written_skus) & set(excluded)  # never reached the shop
    assert in_shop["L-000"]["price"] == "1000.0000"  # the selling price group's price
    specials = shop.table("productSpecials")
    priced = {
        shop.table("products").rows[r.fields["product"]].fields["sku"]: r.fields["price"]
        for r in specials.rows.values()
    }
    assert priced == {f"L-{n:03d}": f"{800 + n}.0000" for n in range(0, 40, 4)}
    again = await CatalogUploader(sessions).run(cid, client)
    assert (again.created, again.overwritten, again.skipped_unchanged) == (0, 0, 20)


async def test_only_the_products_changed_locally_are_uploaded_next_cycle(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    cid, aid, kept, _ = await local_catalog(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    await CatalogUploader(sessions).run(cid, client)
    writes_before = dict(shop.stats.written_skus)
    async with sessions() as session:
        for sku in kept[:3]:
            product = (
                await session.execute(
                    select(Product).where(Product.account_id == aid, Product.sku == sku)
                )
            ).scalar_one()
            product.name = product.name + " (új)"
        await session.commit()
    report = await CatalogUploader(sessions).run(cid, client)
    assert (report.overwritten, report.created) == (3, 0)
    changed = {sku for sku, n in shop.stats.written_skus.items() if n > writes_before.get(sku, 0)}
    assert changed == set(kept[:3])


async def test_an_existing_shop_product_with_the_same_sku_is_overwritten_not_duplicated(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    cid, _, kept, _ = await local_catalog(sessions, cipher, count=4)
    add_products(shop, [{"sku": kept[0], "name": "Régi név", "price": "1", "taxRate": "27"}])
    report = await CatalogUploader(sessions).run(cid, client_for(sandbox.basic(shop), http))
    assert (report.overwritten, report.created) == (1, 1)
    skus = [row.fields["sku"] for row in shop.table("products").rows.values()]
    assert sorted(skus) == sorted(kept)


async def test_a_downloaded_catalog_is_not_uploaded_back(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, catalog(random.Random(8), 60))
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("a-"))
        apply_settings(
            connection, {"products_download_enabled": True, "products_upload_enabled": True}
        )
        await session.commit()
        cid = connection.id
    client = client_for(sandbox.basic(shop), http)
    await CatalogDownloader(sessions).run(cid, client)
    writes = shop.stats.product_writes
    plan = await CatalogUploader(sessions).plan(cid)
    assert {p.action for p in plan} == {UploadAction.SKIP_UNCHANGED}
    await CatalogUploader(sessions).run(cid, client)
    assert shop.stats.product_writes == writes


async def test_a_failed_item_is_recorded_with_shoprenters_reason_and_retried(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    cid, aid, kept, _ = await local_catalog(sessions, cipher, count=4)
    client = client_for(sandbox.basic(shop), http)
    await CatalogUploader(sessions).run(cid, client)
    gone = next(r for r in shop.table("products").rows.values() if r.fields["sku"] == kept[0])
    del shop.table("products").rows[gone.resource_id]  # deleted in the shop's admin
    async with sessions() as session:
        product = (
            await session.execute(
                select(Product).where(Product.account_id == aid, Product.sku == kept[0])
            )
        ).scalar_one()
        product.name = "Átnevezve"
        await session.commit()
    report = await CatalogUploader(sessions).run(cid, client)
    assert kept[0] in report.failed and "404" in report.failed[kept[0]]
    async with sessions() as session:
        link = (
            await session.execute(
                select(ProductLink).where(
                    ProductLink.connection_id == cid, ProductLink.product_id == product.id
                )
            )
        ).scalar_one()
        assert link.last_error and "404" in link.last_error
    retried = await CatalogUploader(sessions).plan(cid)
    assert [p.product.sku for p in retried if p.action == UploadAction.OVERWRITE] == [kept[0]]


async def test_both_directions_on_settle_after_one_exchange_sale_prices_and_local_groups_included(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    """Download then upload each cycle, as catalog-sync runs them: the second and third send
    nothing (sale prices on every 4th product, local groups the shop has no category for)."""
    shop = sandbox.shop()
    cid, aid, kept, _ = await local_catalog(sessions, cipher)
    async with sessions() as session:
        selling = (
            await session.execute(
                select(PriceGroup).where(PriceGroup.account_id == aid, PriceGroup.name == "Bolti")
            )
        ).scalar_one()
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        apply_settings(
            connection,
            {"products_download_enabled": True, "products_download_price_group_id": selling.id},
        )
        await session.commit()
    client = client_for(sandbox.basic(shop), http)
    uploaded = []
    for _ in range(3):
        await CatalogDownloader(sessions).run(cid, client)
        report = await CatalogUploader(sessions).run(cid, client)
        uploaded.append((report.created, report.overwritten))
    assert uploaded == [(20, 0), (0, 0), (0, 0)]
    assert sorted(shop_products(shop)) == sorted(kept)


async def test_a_create_whose_answer_is_lost_leaves_one_product_per_sku_in_the_shop(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    cid, _, kept, _ = await local_catalog(sessions, cipher, count=8)
    shop.faults.drop_after_write = 1  # the shop applies the creates, the answer never arrives
    report = await CatalogUploader(sessions).run(cid, client_for(sandbox.basic(shop), http))
    skus = [row.fields["sku"] for row in shop.table("products").rows.values()]
    assert sorted(skus) == sorted(kept)  # one each, not two
    assert (report.created, report.overwritten, report.failed) == (0, 4, {})
    again = await CatalogUploader(sessions).plan(cid)
    assert {p.action for p in again if p.product.sku in kept} == {UploadAction.SKIP_UNCHANGED}
