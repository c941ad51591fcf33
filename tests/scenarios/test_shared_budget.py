"""Catalog download, reconciliation (catalog-sync) and stock upload (stock-sync) busy on one
shop for 60 s: together never more than its 3 requests in any second, and no 429."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox import generator
from devtools.sandbox.catalog import add_products
from devtools.sandbox.orders import place_order
from devtools.sandbox.store import SandboxShop
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Product, ShopConnection, StockLevel, Warehouse
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from shopsync.service_layer.stock import set_stock
from tests.e2e.conftest import Databases, Processes, service_env
from tests.e2e.test_stock_flow import ready
from tests.sandbox_fixtures import Sandbox
from tests.support import INTAKE_ON

pytestmark = pytest.mark.scenario
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
SKUS = [f"B-{n:04d}" for n in range(2000)]  # 10 pages a download
RUN_S = 60


async def test_three_busy_jobs_on_one_shop_keep_to_its_three_requests_per_second(
    tmp_path: Path, processes: Processes, databases: Databases, sandbox: Sandbox
) -> None:
    shop = sandbox.world.create_shop("busy")
    add_products(
        shop, [{"sku": s, "name": s, "price": "100", "taxRate": "27", "stock1": "0"} for s in SKUS]
    )
    url = await databases.create_async()
    await upgrade(url)
    key = Fernet.generate_key()
    engine = create_engine(url)
    sessions = session_factory(engine)
    await _connect(sessions, CredentialCipher(key), shop, f"{sandbox.url}/busy")
    bootstrap = processes.kafka(tmp_path, 12)
    ports = ("CATALOG_SYNC_PORT", "STOCK_SYNC_PORT", "OUTBOX_RELAY_PORT")
    env = service_env(url, key, tmp_path, bootstrap, *ports)
    for name in ("outbox-relay", "stock-sync", "catalog-sync"):
        processes.start([SHOPSYNC, name], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for port_name in ("OUTBOX_RELAY_PORT", "STOCK_SYNC_PORT", "CATALOG_SYNC_PORT"):
        deadline = time.monotonic() + 60
        while not ready(int(env[port_name])) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    started = time.time()
    rng = random.Random(17)
    while time.time() - started < RUN_S:  # stock moves and orders come in all the while
        await _move_stock(sessions, rng)
        if rng.random() < 0.2:
            place_order(shop, generator.order(rng, generator.catalog(rng, 3)))
        await asyncio.sleep(0.25)
    processes.stop_all()  # what the shop saw is final from here
    await engine.dispose()
    stats = shop.stats
    by_endpoint = _pages(stats.pages)
    print(f"{stats.requests} requests, pages {by_endpoint}, {stats.batch_calls} batch calls")
    assert _busiest_second(stats.request_times) <= 3
    assert stats.max_per_second <= 3
    assert stats.by_status[429] == 0
    assert by_endpoint.get("productExtend", 0) >= 10  # the catalog: a download at least
    assert by_endpoint.get("orderExtend", 0) >= 2  # reconciliation polled
    assert stats.batch_calls >= 5  # stock-sync uploaded


async def _connect(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    shop: SandboxShop,
    url: str,
) -> None:
    """One connection: catalog download every 10 s, reconciliation every 10 s, stock upload."""
    async with sessions() as session:
        connection = await add_connection(
            session,
            cipher,
            account="Budget Kft.",
            name="busy",
            path="busy",
            auth_kind="basic",
            api_user=shop.user,
            api_secret=shop.password,
            api_url=url,
        )
        warehouse = Warehouse(account_id=connection.account_id, name="Fő")
        session.add(warehouse)
        await session.flush()
        for sku in SKUS[:200]:
            product = Product(account_id=connection.account_id, sku=sku, name=sku)
            session.add(product)
            await session.flush()
            session.add(StockLevel(warehouse_id=warehouse.id, product_id=product.id, quantity=1))
        apply_settings(
            connection,
            {
                **INTAKE_ON,
                "orders_reconcile_interval_s": 10,
                "products_download_enabled": True,
                "stock_enabled": True,
                "stock_mode": "upload",
                "stock_upload_warehouse_ids": [warehouse.id],
            },
        )
        await session.flush()
        row = update(ShopConnection).where(ShopConnection.id == connection.id)
        await session.execute(row.values(products_interval_s=10))  # below the 60-s minimum
        await session.commit()


async def _move_stock(sessions: async_sessionmaker[AsyncSession], rng: random.Random) -> None:
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        for sku in rng.sample(SKUS[:200], 5):
            await set_stock(uow, "Budget Kft.", sku, "Fő", Decimal(rng.randint(0, 99)))
        await uow.commit()


def _pages(pages: Any) -> dict[str, int]:
    counted: dict[str, int] = {}
    for (endpoint, _page, _incremental), n in pages.items():
        counted[endpoint] = counted.get(endpoint, 0) + n
    return counted


def _busiest_second(times: list[float]) -> int:
    """The most requests the shop saw within any 1-second window."""
    ordered, busiest, first = sorted(times), 0, 0
    for last, moment in enumerate(ordered):
        while moment - ordered[first] >= 1.0:
            first += 1
        busiest = max(busiest, last - first + 1)
    return busiest
