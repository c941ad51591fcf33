"""One request budget per shop across processes: slots from the database, real HTTP."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from shopsync.adapters.db.engine import create_engine
from shopsync.adapters.db.request_pacing import SharedShopPacer
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from tests.sandbox_fixtures import Sandbox

pytestmark = pytest.mark.integration


async def test_two_processes_share_one_shops_three_requests_per_second(
    sandbox: Sandbox, http: aiohttp.ClientSession, database_url: str
) -> None:
    """Each engine stands for a process: its own pool, the same database."""
    shop = sandbox.shop()
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        clients = [
            HttpShoprenterClient(sandbox.basic(shop), http, SharedShopPacer(e, shop.name))
            for e in engines
        ]
        calls = [client.get("products") for client in clients for _ in range(8)]
        await asyncio.gather(*calls)
    finally:
        for engine in engines:
            await engine.dispose()
    assert [client.stats.requests for client in clients] == [8, 8]
    assert shop.stats.max_per_second <= 3
    assert shop.stats.by_status[429] == 0


async def test_a_429_pushes_back_every_process_sharing_the_shop(
    sandbox: Sandbox, http: aiohttp.ClientSession, database_url: str
) -> None:
    shop = sandbox.shop()
    shop.faults.throttle_next, shop.faults.retry_after = 2, 1
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        clients = [
            HttpShoprenterClient(sandbox.basic(shop), http, SharedShopPacer(e, shop.name))
            for e in engines
        ]
        calls = [client.get("products") for client in clients for _ in range(4)]
        pages = await asyncio.gather(*calls)
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(pages) == 8
    assert shop.stats.by_status[429] == 2
    assert shop.stats.max_per_second <= 3
