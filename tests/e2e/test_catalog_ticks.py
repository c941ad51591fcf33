"""200 connections on one catalog-sync worker: ticks spread over the interval, one sync each."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from devtools.sandbox.catalog import add_products
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Databases, Processes, service_env
from tests.sandbox_fixtures import Sandbox

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
SHOPS = 200
INTERVAL_S = 8
RUN_S = 3 * INTERVAL_S


async def test_two_hundred_shops_are_each_synced_once_per_interval_spread_over_it(
    tmp_path: Path, processes: Processes, databases: Databases, sandbox: Sandbox
) -> None:
    world = sandbox.world
    for n in range(SHOPS):
        add_products(
            world.create_shop(f"s{n}"),
            [{"sku": f"P{n}", "name": "Tea", "price": "990", "taxRate": "18"}],
        )
    base = sandbox.url
    url = await databases.create_async()
    await upgrade(url)
    key = Fernet.generate_key()
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        for n in range(SHOPS):
            shop = world.shops[f"s{n}"]
            connection = await add_connection(
                session,
                CredentialCipher(key),
                account=f"acct{n}",
                name=f"s{n}",
                path=f"s{n}",
                auth_kind="basic",
                api_user=shop.user,
                api_secret=shop.password,
                api_url=f"{base}/s{n}",
            )
            apply_settings(connection, {"products_download_enabled": True})
        await session.flush()
        await session.execute(update(ShopConnection).values(products_interval_s=INTERVAL_S))
        late = world.create_shop("late")
        add_products(late, [{"sku": "L1", "name": "Tea", "price": "990", "taxRate": "18"}])
        late_connection = await add_connection(
            session,
            CredentialCipher(key),
            account="late",
            name="late",
            path="late",
            auth_kind="basic",
            api_user=late.user,
            api_secret=late.password,
            api_url=f"{base}/late",
        )  # the default 10-minute interval, switched on while the worker runs
        await session.commit()
    await engine.dispose()
    env = service_env(url, key, tmp_path, processes.kafka(tmp_path, 12), "CATALOG_SYNC_PORT")
    processes.start(
        [SHOPSYNC, "catalog-sync"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while not any(shop.stats.requests for shop in world.shops.values()):
        await asyncio.sleep(0.1)  # the worker joined its group and ticks began
    started = time.time()
    async with session_factory(engine)() as session:
        row = await session.get(ShopConnection, late_connection.id)
        assert row is not None
        apply_settings(row, {"products_download_enabled": True})
        await session.commit()
    switched_on = time.time()
    await asyncio.sleep(RUN_S)
    window = (started, started + RUN_S)
    await engine.dispose()
    processes.stop_all()  # what the shops saw is final from here
    late_first = min(world.shops["late"].stats.request_times, default=None)
    assert late_first is not None, "a download switched on ran no cycle"
    assert late_first - switched_on < 15  # within seconds, not its 600-s interval
    del world.shops["late"]
    syncs = {
        name: sum(
            1
            for (endpoint, _, _), n in shop.stats.pages.items()
            if endpoint == "productExtend"
            for _ in range(n)
        )
        for name, shop in world.shops.items()
    }
    in_window = {
        name: sum(1 for t in shop.stats.request_times if window[0] <= t < window[1])
        for name, shop in world.shops.items()
    }
    # 3 intervals: each shop synced 3 times (±1 at the edges), never skipped, never bunched.
    assert min(syncs.values()) >= 2 and max(syncs.values()) <= 5, syncs
    firsts = sorted(min(shop.stats.request_times) for shop in world.shops.values())
    per_second: dict[int, int] = {}
    for moment in firsts:
        per_second[int(moment - firsts[0])] = per_second.get(int(moment - firsts[0]), 0) + 1
    assert max(per_second.values()) <= 3 * SHOPS / INTERVAL_S, per_second  # spread, not a burst
    assert all(n > 0 for n in in_window.values())
