"""What a stock-sync worker does between Kafka and the shops: owe, flush, reconcile, download."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.stock_sync.download import StockDownloader
from services.stock_sync.metrics import StockMetrics
from services.stock_sync.upload import StockUploader
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.kafka.records import StockMoved
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.stock_owed import StockOwed
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


class StockWorker:
    """Owes SKUs from movement events, flushes them per shop, runs ticks."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cipher: CredentialCipher,
        metrics: StockMetrics,
        http: Callable[[], aiohttp.ClientSession],
        owed: StockOwed | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._metrics = metrics
        self._owed = owed or StockOwed()
        self._retry = retry
        self._uploader = StockUploader(sessions)
        self._downloader = StockDownloader(sessions)
        self._http = http  # the process's session, owned by its composition root
        self._targets: dict[int, tuple[float, list[int]]] = {}
        self._calls = 0

    async def on_movement(self, event: StockMoved) -> None:
        account_id, sku = event.account_id, event.sku
        cached = self._targets.get(account_id)
        if cached is None or cached[0] < time.monotonic():
            cached = (
                time.monotonic() + 1.0,
                await self._uploader.uploading_connections(account_id),
            )
            self._targets[account_id] = cached
        if cached[1]:
            self._owed.add(cached[1], sku)
            self._metrics.movements.inc()

    async def flush(self) -> None:
        """Push what each shop is owed; a failed push owes it again after a pause."""
        for connection_id, skus in self._owed.take().items():
            client = await self._client(connection_id)
            if client is not None:
                await self._push_owed(connection_id, skus, client)
        self._metrics.owed.set(self._owed.waiting())

    async def _push_owed(
        self, connection_id: int, skus: set[str], client: HttpShoprenterClient
    ) -> None:
        try:
            report = await self._uploader.push(connection_id, skus, client)
        except Exception as exc:
            pause = self._owed.failed(connection_id, skus)
            log.warning(
                "stock push to connection %s failed (%r): %d SKUs owed, next try in %.0f s",
                connection_id,
                exc,
                len(skus),
                pause,
            )
            self._metrics.api_errors.inc()
            return
        self._owed.succeeded(connection_id)
        self._count(report.skus_pushed, report.api_calls, len(report.failed))

    def _count(self, pushed: int, calls: int, failed: int) -> None:
        self._calls += calls
        self._metrics.skus_pushed.inc(pushed)
        self._metrics.api_calls.inc(calls)
        self._metrics.api_errors.inc(failed)
        if self._calls:
            self._metrics.movements_per_call.set(self._owed.movements / self._calls)

    async def on_tick(self, connection_id: int) -> None:
        """A tick: download into the warehouse, or reconcile what the shop shows, per mode."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if connection is None or not connection.enabled:
                return
            mode = connection.stock_sync_mode
        client = await self._client(connection_id)
        if client is None:
            return
        if mode == "download":
            report = await self._downloader.run(connection_id, client)
            self._metrics.adjusted.inc(report.adjusted)
        elif mode == "upload":
            await self._reconcile(connection_id, client)

    async def _reconcile(self, connection_id: int, client: HttpShoprenterClient) -> None:
        """A full comparison; only what drifted is pushed again."""
        calls_before = client.stats.requests
        drifted = await self._uploader.drifted(connection_id, client)
        self._count(0, client.stats.requests - calls_before, 0)
        if drifted:
            pushed = await self._uploader.push(connection_id, drifted, client)
            self._metrics.drift_corrected.inc(pushed.skus_pushed)
            self._count(pushed.skus_pushed, pushed.api_calls, len(pushed.failed))

    async def _client(self, connection_id: int) -> HttpShoprenterClient | None:
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
        if connection is None:
            return None
        return HttpShoprenterClient(
            shop_access(connection, self._cipher), self._http(), retry=self._retry
        )
