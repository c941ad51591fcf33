"""Stock sync leaves what it last did in `stock_sync_state` (sandbox over HTTP): the SKUs a
failing shop is still owed, and each tick's kind, duration and result."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import StockSyncState
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.stock_owed import RETRY_FIRST_S
from tests.integration.stock_workers import pointed_shop, stock_worker
from tests.integration.test_stock_sync import SKUS, moved
from tests.sandbox_fixtures import Sandbox

pytestmark = pytest.mark.integration


async def _state(sessions: async_sessionmaker[AsyncSession], cid: int) -> StockSyncState:
    async with sessions() as session:
        row = await session.get(StockSyncState, cid)
        assert row is not None
        return row


async def test_a_shop_that_fails_a_push_shows_its_owed_skus_until_a_push_succeeds(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop, cid, aid = await pointed_shop(sandbox, sessions, cipher)
    now = [1000.0]
    worker = stock_worker(sessions, cipher, http, now)
    for sku in SKUS:
        await worker.on_movement(moved(aid, sku))
    shop.faults.fail_next = 2
    await worker.flush()
    failed = await _state(sessions, cid)
    assert failed.owed_skus == 3 and failed.push_error and failed.push_at is not None
    now[0] += RETRY_FIRST_S
    await worker.flush()
    recovered = await _state(sessions, cid)
    assert (recovered.owed_skus, recovered.push_error) == (0, None)


async def test_each_reconcile_tick_is_recorded_with_its_duration_and_a_failure_with_why(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop, cid, _ = await pointed_shop(sandbox, sessions, cipher)
    worker = stock_worker(sessions, cipher, http, [1000.0])
    await worker.on_tick(cid)
    done = await _state(sessions, cid)
    assert done.cycle_kind == "reconcile" and done.cycle_error is None
    assert done.cycle_seconds is not None and done.cycle_seconds >= 0
    shop.faults.fail_next = 2
    with pytest.raises(Exception):  # noqa: B017 - the tick's own failure, whatever its type
        await worker.on_tick(cid)
    failed = await _state(sessions, cid)
    assert failed.cycle_error and failed.cycle_at is not None
    assert done.cycle_at is not None and failed.cycle_at >= done.cycle_at
