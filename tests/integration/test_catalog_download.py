"""Catalog download from the sandbox over HTTP: groups, prices, resume, incremental cycles."""

from __future__ import annotations

import random
from decimal import Decimal

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from services.catalog_sync.download import CatalogDownloader
from shopsync.adapters.db.models import CatalogSyncState, Price, PriceGroup, Product, ProductGroup
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.service_layer.shops import apply_settings
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration
THROTTLED = "shopsync_shop_api_throttled_total"


async def connected(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> tuple[int, int, int]:
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("a-"))
        group = PriceGroup(account_id=connection.account_id, name="Webshop ár")
        session.add(group)
        await session.flush()
        apply_settings(
            connection,
            {"products_download_enabled": True, "products_download_price_group_id": group.id},
        )
        await session.commit()
        return connection.id, connection.account_id, group.id


async def count(sessions: async_sessionmaker[AsyncSession], model: type, **where: int) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(await session.scalar(query) or 0)


async def test_first_download_creates_products_groups_and_prices_and_resumes_after_a_stop(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    items = catalog(random.Random(3), 1000)
    add_products(shop, items)
    cid, aid, price_group = await connected(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    downloader = CatalogDownloader(sessions)
    stopped = await downloader.run(cid, client, max_pages=2)  # as if killed after two pages
    assert (stopped.pages, stopped.finished) == (2, False)
    async with sessions() as session:
        state = await session.get(CatalogSyncState, cid)
        assert state is not None and (state.next_page, state.done) == (2, 400)
    resumed = await downloader.run(cid, client)
    assert (resumed.pages, resumed.finished) == (3, True)  # pages 2, 3, 4 only
    assert await count(sessions, Product, account_id=aid) == 1000
    assert await count(sessions, ProductGroup, account_id=aid) == len(
        {i["category"] for i in items}
    )
    assert await count(sessions, Price, price_group_id=price_group) == 1000
    async with sessions() as session:
        product = (
            await session.execute(
                select(Product).where(Product.account_id == aid, Product.sku == items[0]["sku"])
            )
        ).scalar_one()
        assert product.net_price == Decimal(items[0]["price"]) and product.name == items[0]["name"]
        state = await session.get(CatalogSyncState, cid)
        assert state is not None and state.full_done and state.last_success_at is not None


async def test_an_incremental_cycle_fetches_only_what_changed(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, catalog(random.Random(4), 500))
    for row in shop.table("products").rows.values():
        row.fields["dateUpdated"] = "2026-01-01T00:00:00"  # long before this test
    cid, aid, _ = await connected(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    downloader = CatalogDownloader(sessions)
    await downloader.run(cid, client)
    changed = list(shop.table("products").rows)[:7]
    for resource_id in changed:
        await client.put(f"products/{resource_id}", {"price": "12345"})
    report = await downloader.run(cid, client)
    assert (report.products, report.updated, report.created) == (7, 7, 0)
    async with sessions() as session:
        prices = (
            (
                await session.execute(
                    select(Product.net_price).where(
                        Product.account_id == aid, Product.net_price == Decimal(12345)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(prices) == 7


async def test_a_catalog_tick_downloads_with_the_connections_own_stored_credentials(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    from prometheus_client import CollectorRegistry

    from services.catalog_sync.cycle import CatalogCycle
    from services.catalog_sync.metrics import catalog_metrics
    from shopsync.adapters.db.models import ShopConnection

    shop = sandbox.shop(user="api-user", password="api-pass")
    add_products(shop, catalog(random.Random(5), 30))
    cid, aid, _ = await connected(sessions, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        sandbox.point(connection, shop, cipher)
        await session.commit()
    registry = CollectorRegistry()
    throttled = shop_api_metrics(registry).throttled_for("catalog")
    cycle = CatalogCycle(sessions, cipher, lambda: http, catalog_metrics(registry), throttled)
    shop.faults.throttle_next, shop.faults.retry_after = 2, 1  # another app used the budget
    assert await cycle.run(cid) == "ok"
    assert registry.get_sample_value(THROTTLED, {"use": "catalog"}) == 2
    assert await count(sessions, Product, account_id=aid) == 30
    assert registry.get_sample_value("shopsync_catalog_products_downloaded_total") == 30
    assert (
        registry.get_sample_value(
            "shopsync_catalog_download_done_products", {"connection": str(cid)}
        )
        == 30
    )
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        apply_settings(connection, {"products_download_enabled": False})
        await session.commit()
    assert await cycle.run(cid) == "skipped"
