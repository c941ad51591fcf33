"""A sandbox shop pointed at by a stock-uploading connection, and a stock worker with a clock
the test moves: shared by the stock-sync state and sync-history tests."""

from __future__ import annotations

import aiohttp
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox.catalog import add_products
from devtools.sandbox.store import SandboxShop
from services.stock_sync.metrics import stock_metrics
from services.stock_sync.worker import StockWorker
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.stock_owed import StockOwed
from tests.integration.test_stock_sync import SKUS, stocked
from tests.sandbox_fixtures import Sandbox


async def pointed_shop(
    sandbox: Sandbox, sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> tuple[SandboxShop, int, int]:
    shop = sandbox.shop()
    add_products(shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27"} for s in SKUS])
    cid, aid, _ = await stocked(sessions, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        sandbox.point(connection, shop, cipher)
        await session.commit()
    return shop, cid, aid


def stock_worker(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    http: aiohttp.ClientSession,
    now: list[float],
) -> StockWorker:
    return StockWorker(
        sessions,
        cipher,
        stock_metrics(CollectorRegistry()),
        lambda: http,
        shop_api_metrics(CollectorRegistry()).throttled_for("stock"),
        owed=StockOwed(clock=lambda: now[0]),
        retry=RetryPolicy(max_attempts=2, base_s=0.01),
    )
