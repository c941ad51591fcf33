"""One catalog cycle for one connection, as a tick asks: build its client, download, count."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.metrics import CatalogMetrics
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


@dataclass
class CatalogCycle:
    """Runs the download for a connection when its product tab says so."""

    sessions: async_sessionmaker[AsyncSession]
    cipher: CredentialCipher
    # the process's session, owned by its composition root
    http: Callable[[], aiohttp.ClientSession]
    metrics: CatalogMetrics
    throttled: Counter  # the shop's 429s (shopsync_shop_api_throttled_total{use="catalog"})
    _downloader: CatalogDownloader = field(init=False)
    _uploader: CatalogUploader = field(init=False)

    def __post_init__(self) -> None:
        self._downloader = CatalogDownloader(self.sessions, self._progress)
        self._uploader = CatalogUploader(self.sessions)

    def _progress(self, connection_id: int, done: int, total: int) -> None:
        self.metrics.download_done.labels(connection=str(connection_id)).set(done)
        self.metrics.download_total.labels(connection=str(connection_id)).set(total)

    async def run(self, connection_id: int) -> str:
        """A tick's cycle: "skipped" (disabled, or neither direction on), "failed" or "ok"."""
        connection = await self._syncing_connection(connection_id)
        if connection is None:
            return "skipped"
        return await self._cycle(connection)

    async def _syncing_connection(self, connection_id: int) -> ShopConnection | None:
        async with self.sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
        return connection if connection is not None and _syncs_products(connection) else None

    async def _cycle(self, connection: ShopConnection) -> str:
        """The connection's exchange with the shop, counted: "failed" or "ok"."""
        access = shop_access(connection, self.cipher)
        client = HttpShoprenterClient(access, self.http(), on_throttled=self.throttled.inc)
        started = time.monotonic()
        try:
            downloaded, uploaded = await self._exchange(connection, client)
        except Exception as exc:
            return self._failed(connection.id, exc)
        finally:
            self._count_requests(client)
        self._succeeded(connection.id, time.monotonic() - started, downloaded, uploaded)
        return "ok"

    def _failed(self, connection_id: int, exc: Exception) -> str:
        log.warning("catalog download of connection %s failed: %r", connection_id, exc)
        self.metrics.cycles.labels(result="failed").inc()
        return "failed"

    def _count_requests(self, client: HttpShoprenterClient) -> None:
        self.metrics.api_requests.inc(client.stats.requests)

    async def _exchange(
        self, connection: ShopConnection, client: HttpShoprenterClient
    ) -> tuple[int, int]:
        """Download, then upload, as the connection's product tab says: products moved each way."""
        downloaded = uploaded = 0
        if connection.products_download_enabled:
            downloaded = (await self._downloader.run(connection.id, client)).products
        if connection.products_upload_enabled:
            uploaded = await self._upload(connection.id, client)
        return downloaded, uploaded

    async def _upload(self, connection_id: int, client: HttpShoprenterClient) -> int:
        """Products the upload created or overwrote; the refused ones are counted."""
        sent = await self._uploader.run(connection_id, client)
        self.metrics.upload_failed.inc(len(sent.failed))
        return sent.created + sent.overwritten

    def _succeeded(
        self, connection_id: int, seconds: float, downloaded: int, uploaded: int
    ) -> None:
        self.metrics.cycle_seconds.observe(seconds)
        self.metrics.downloaded.inc(downloaded)
        self.metrics.uploaded.inc(uploaded)
        self.metrics.cycles.labels(result="ok").inc()
        self.metrics.last_success.labels(connection=str(connection_id)).set(time.time())


def _syncs_products(connection: ShopConnection) -> bool:
    """Enabled, with the product download or upload (or both) switched on."""
    wanted = connection.products_download_enabled or connection.products_upload_enabled
    return connection.enabled and wanted
