"""What a stock-sync worker does between Kafka and the shops: owe, flush, reconcile, download."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.stock_sync.download import StockDownloader
from services.stock_sync.metrics import StockMetrics
from services.stock_sync.upload import StockUploader
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.stock_sync_marks import SqlAlchemyStockSyncMarks
from shopsync.adapters.kafka.records import StockMoved
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.stock_owed import StockOwed
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


@dataclass
class StockWorker:
    """Owes SKUs from movement events, flushes them per shop, runs ticks."""

    sessions: async_sessionmaker[AsyncSession]
    cipher: CredentialCipher
    metrics: StockMetrics
    # the process's session, owned by its composition root
    http: Callable[[], aiohttp.ClientSession]
    throttled: Counter  # the shops' 429s (shopsync_shop_api_throttled_total{use="stock"})
    owed: StockOwed = field(default_factory=StockOwed)
    retry: RetryPolicy | None = None
    _uploader: StockUploader = field(init=False)
    _downloader: StockDownloader = field(init=False)
    _marks: SqlAlchemyStockSyncMarks = field(init=False)
    # account → (when to look again, its connections that upload stock)
    _uploading: dict[int, tuple[float, list[int]]] = field(default_factory=dict, init=False)
    _calls: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._uploader = StockUploader(self.sessions)
        self._downloader = StockDownloader(self.sessions)
        self._marks = SqlAlchemyStockSyncMarks(self.sessions)

    async def on_movement(self, event: StockMoved) -> None:
        connections = await self._uploading_connections(event.account_id)
        if connections:
            self.owed.add(connections, event.sku)
            self.metrics.movements.inc()

    async def _uploading_connections(self, account_id: int) -> list[int]:
        look_again, connections = self._uploading.get(account_id, (-math.inf, []))
        if look_again < time.monotonic():
            connections = await self._uploader.uploading_connections(account_id)
            self._uploading[account_id] = (time.monotonic() + 1.0, connections)
        return connections

    async def flush(self) -> None:
        """Push what each shop is owed; a failed push owes it again after a pause."""
        for connection_id, skus in self.owed.take().items():
            client = await self._client(connection_id)
            if client is not None:
                await self._push_owed(connection_id, skus, client)
        self.metrics.owed.set(self.owed.waiting())

    async def _push_owed(
        self, connection_id: int, skus: set[str], client: HttpShoprenterClient
    ) -> None:
        started = time.monotonic()
        try:
            report = await self._uploader.push(connection_id, skus, client)
        except Exception as exc:
            pause = self.owed.failed(connection_id, skus)
            log.warning(
                "stock push to connection %s failed (%r): %d SKUs owed, next try in %.0f s",
                connection_id,
                exc,
                len(skus),
                pause,
            )
            self.metrics.api_errors.inc()
            await self._marks.pushed(
                connection_id, len(skus), _said(exc), time.monotonic() - started
            )
            return
        self.owed.succeeded(connection_id)
        self._count(report.skus_pushed, report.api_calls, len(report.failed))
        refused = f"{len(report.failed)} SKUs refused by the shop" if report.failed else None
        seconds = time.monotonic() - started
        await self._marks.pushed(connection_id, 0, refused, seconds, report.skus_pushed)

    def _count(self, pushed: int, calls: int, failed: int) -> None:
        self._calls += calls
        self.metrics.skus_pushed.inc(pushed)
        self.metrics.api_calls.inc(calls)
        self.metrics.api_errors.inc(failed)
        if self._calls:
            self.metrics.movements_per_call.set(self.owed.movements / self._calls)

    async def on_tick(self, connection_id: int) -> None:
        """A tick: download into the warehouse, or reconcile what the shop shows, per mode."""
        connection = await self._connection(connection_id)
        if connection is None or not connection.enabled:
            return
        client = self._client_for(connection)
        if connection.stock_sync_mode == "download":
            await self._timed("download", connection_id, self._download(connection_id, client))
        elif connection.stock_sync_mode == "upload":
            await self._timed("reconcile", connection_id, self._reconcile(connection_id, client))

    async def _timed(self, kind: str, connection_id: int, cycle: Awaitable[None]) -> None:
        """Run the tick's cycle and record how long it took and how it ended (then re-raise)."""
        started = time.monotonic()
        try:
            await cycle
        except Exception as exc:
            await self._marks.cycled(connection_id, kind, time.monotonic() - started, _said(exc))
            raise
        await self._marks.cycled(connection_id, kind, time.monotonic() - started, None)

    async def _download(self, connection_id: int, client: HttpShoprenterClient) -> None:
        report = await self._downloader.run(connection_id, client)
        self.metrics.adjusted.inc(report.adjusted)

    async def _reconcile(self, connection_id: int, client: HttpShoprenterClient) -> None:
        """A full comparison; only what drifted is pushed again."""
        calls_before = client.stats.requests
        drifted = await self._uploader.drifted(connection_id, client)
        self._count(0, client.stats.requests - calls_before, 0)
        if drifted:
            pushed = await self._uploader.push(connection_id, drifted, client)
            self.metrics.drift_corrected.inc(pushed.skus_pushed)
            self._count(pushed.skus_pushed, pushed.api_calls, len(pushed.failed))

    async def _client(self, connection_id: int) -> HttpShoprenterClient | None:
        connection = await self._connection(connection_id)
        return None if connection is None else self._client_for(connection)

    async def _connection(self, connection_id: int) -> ShopConnection | None:
        async with self.sessions() as session:
            return await session.get(ShopConnection, connection_id)

    def _client_for(self, connection: ShopConnection) -> HttpShoprenterClient:
        access = shop_access(connection, self.cipher)
        return HttpShoprenterClient(
            access, self.http(), retry=self.retry, on_throttled=self.throttled.inc
        )


def _said(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
