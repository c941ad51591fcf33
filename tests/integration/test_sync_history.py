"""Each finished sync cycle leaves one `sync_runs` row with its flow and result (sandbox over
HTTP, PostgreSQL and SQLite); a stock push with nothing to send leaves none; old rows go."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import SyncRun
from shopsync.adapters.db.sync_runs import add_run
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.stock_owed import RETRY_FIRST_S
from shopsync.domain.sync_runs import FinishedRun
from tests.integration.stock_workers import pointed_shop, stock_worker
from tests.integration.test_catalog_download import connected
from tests.integration.test_catalog_upload import local_catalog
from tests.integration.test_stock_sync import SKUS, moved
from tests.sandbox_fixtures import Sandbox, client_for

pytestmark = pytest.mark.integration


async def _runs(sessions: async_sessionmaker[AsyncSession], cid: int) -> list[tuple[str, str]]:
    """The connection's history as (flow, result), oldest first."""
    query = select(SyncRun).where(SyncRun.connection_id == cid).order_by(SyncRun.id)
    async with sessions() as session:
        rows = (await session.execute(query)).scalars().all()
    assert all(r.seconds >= 0 and r.started_at.tzinfo is not None for r in rows)
    return [(r.flow, r.result) for r in rows]


async def test_a_catalog_download_leaves_an_ok_run_and_a_failed_one_a_failed_run(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, catalog(random.Random(6), 30))
    cid, _, _ = await connected(sessions, cipher)
    before = datetime.now(UTC)
    await CatalogDownloader(sessions).run(cid, client_for(sandbox.basic(shop), http))
    assert await _runs(sessions, cid) == [("catalog_download", "ok")]
    shop.faults.fail_next = 2
    quick = RetryPolicy(max_attempts=2, base_s=0.01)
    failing = HttpShoprenterClient(sandbox.basic(shop), http, ShopRateLimiter(), retry=quick)
    with pytest.raises(Exception):  # noqa: B017 - the cycle's own failure, whatever its type
        await CatalogDownloader(sessions).run(cid, failing)
    assert await _runs(sessions, cid) == [
        ("catalog_download", "ok"),
        ("catalog_download", "failed"),
    ]
    async with sessions() as session:
        first = (
            (await session.execute(select(SyncRun).where(SyncRun.connection_id == cid)))
            .scalars()
            .first()
        )
        assert first is not None and before <= first.started_at <= datetime.now(UTC)


async def test_a_stopped_download_leaves_no_run_until_it_finishes(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, catalog(random.Random(7), 500))
    cid, _, _ = await connected(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    await CatalogDownloader(sessions).run(cid, client, max_pages=1)  # as if killed
    assert await _runs(sessions, cid) == []
    await CatalogDownloader(sessions).run(cid, client)
    assert await _runs(sessions, cid) == [("catalog_download", "ok")]


async def test_a_catalog_upload_leaves_a_run_whether_it_sent_products_or_had_none_to_send(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    cid, _, _, _ = await local_catalog(sessions, cipher, count=6)
    client = client_for(sandbox.basic(sandbox.shop()), http)
    report = await CatalogUploader(sessions).run(cid, client)
    assert report.created == 3
    again = await CatalogUploader(sessions).run(cid, client)
    assert again.created == again.overwritten == 0
    assert await _runs(sessions, cid) == [("catalog_upload", "ok"), ("catalog_upload", "ok")]


async def test_a_stock_push_that_sent_stock_leaves_a_run_and_an_idle_flush_leaves_none(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop, cid, aid = await pointed_shop(sandbox, sessions, cipher)
    now = [1000.0]
    worker = stock_worker(sessions, cipher, http, now)
    await worker.flush()  # nothing owed: the every-second tick that finds no work
    assert await _runs(sessions, cid) == []
    for sku in SKUS:
        await worker.on_movement(moved(aid, sku))
    await worker.flush()
    await worker.flush()
    assert await _runs(sessions, cid) == [("stock_upload", "ok")]
    await worker.on_movement(moved(aid, SKUS[0]))
    shop.faults.fail_next = 2
    await worker.flush()
    now[0] += RETRY_FIRST_S
    await worker.flush()
    expected = [("stock_upload", "ok"), ("stock_upload", "failed"), ("stock_upload", "ok")]
    assert await _runs(sessions, cid) == expected  # the failure and the recovery
    await worker.on_movement(moved(aid, SKUS[1]))
    now[0] += 1
    await worker.flush()  # the next second's push: sampled out (a minute per kept push)
    assert await _runs(sessions, cid) == expected


async def test_a_reconcile_tick_leaves_a_run_of_its_own_flow(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    _, cid, _ = await pointed_shop(sandbox, sessions, cipher)
    await stock_worker(sessions, cipher, http, [1000.0]).on_tick(cid)
    assert await _runs(sessions, cid) == [("stock_reconcile", "ok")]


async def test_a_tick_run_drops_the_connections_rows_older_than_eight_days(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    _, cid, _ = await pointed_shop(sandbox, sessions, cipher)
    now = datetime.now(UTC)
    async with sessions() as session:
        for days, flow in ((9, "stock_upload"), (9, "catalog_download"), (7, "stock_upload")):
            await add_run(session, cid, FinishedRun(flow, now - timedelta(days=days), 1.0, True))
        await session.commit()
    assert len(await _runs(sessions, cid)) == 3  # each cut 8 days before its own start
    await stock_worker(sessions, cipher, http, [1000.0]).on_tick(cid)
    assert await _runs(sessions, cid) == [("stock_upload", "ok"), ("stock_reconcile", "ok")]
