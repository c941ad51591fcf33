"""kill -9 of the catalog-sync worker halfway through a first download: it resumes."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, update

from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import CatalogSyncState, Product, ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Processes, service_env
from tests.sandbox_fixtures import Sandbox

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
PRODUCTS = 3000  # 15 pages: about 5 s at 3 requests/s


async def test_kill_9_halfway_through_the_first_download_resumes_instead_of_restarting(
    tmp_path: Path, processes: Processes, sandbox: Sandbox
) -> None:
    shop = sandbox.world.create_shop("resume")
    add_products(shop, catalog(random.Random(2), PRODUCTS))
    url = f"sqlite+aiosqlite:///{tmp_path / 'cat.db'}"
    await upgrade(url)
    key = Fernet.generate_key()
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await add_connection(
            session,
            CredentialCipher(key),
            account="a",
            name="resume",
            path="resume",
            auth_kind="basic",
            api_user=shop.user,
            api_secret=shop.password,
            api_url=f"{sandbox.url}/resume",
        )
        apply_settings(connection, {"products_download_enabled": True})
        await session.flush()
        # Below the settings' 60 s floor, written directly: the tick must come quickly.
        await session.execute(
            update(ShopConnection)
            .where(ShopConnection.id == connection.id)
            .values(products_interval_s=2)
        )
        await session.commit()
        cid = connection.id
    bootstrap = processes.kafka(tmp_path, 4)
    env = service_env(
        url, key, tmp_path, bootstrap, "CATALOG_SYNC_PORT", SHOPSYNC_TOPIC_PARTITIONS="4"
    )

    def worker() -> subprocess.Popen[bytes]:
        return processes.start(
            [SHOPSYNC, "catalog-sync"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    async def state() -> CatalogSyncState | None:
        async with sessions() as session:
            return await session.get(CatalogSyncState, cid)

    async def wait_for(predicate, timeout_s: float) -> None:
        for _ in range(int(timeout_s * 10)):
            current = await state()
            if current is not None and predicate(current):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("catalog state never got there")

    first = worker()
    await wait_for(lambda s: s.next_page >= 6, 60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    stopped_at = await state()
    assert stopped_at is not None and not stopped_at.full_done
    worker()
    await wait_for(lambda s: s.full_done, 60)
    async with sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(Product))
    await engine.dispose()
    full_pages = {
        page: n
        for (endpoint, page, incremental), n in shop.stats.pages.items()
        if endpoint == "productExtend" and not incremental
    }
    assert stored == PRODUCTS
    assert sorted(full_pages) == list(range(PRODUCTS // 200))
    assert full_pages[0] == 1  # not started over
    assert max(full_pages.values()) <= 2  # at most the page in flight at the kill, again
