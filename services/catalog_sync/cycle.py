"""One catalog cycle for one connection, as a tick asks: build its client, download, count."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.metrics import CatalogMetrics
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


class CatalogCycle:
    """Runs the download for a connection when its product tab says so."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cipher: CredentialCipher,
        http: Callable[[], aiohttp.ClientSession],
        metrics: CatalogMetrics,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._http = http  # the process's session, owned by its composition root
        self._metrics = metrics
        self._downloader = CatalogDownloader(sessions, self._progress)
        self._uploader = CatalogUploader(sessions)

    def _progress(self, connection_id: int, done: int, total: int) -> None:
        self._metrics.download_done.labels(connection=str(connection_id)).set(done)
        self._metrics.download_total.labels(connection=str(connection_id)).set(total)

    async def run(self, connection_id: int) -> str:
        """A tick's cycle: "skipped" (disabled, or neither direction on), "failed" or "ok"."""
        connection = await self._connection(connection_id)
        if connection is None or not _syncs_products(connection):
            return "skipped"
        client = HttpShoprenterClient(shop_access(connection, self._cipher), self._http())
        started = time.monotonic()
        try:
            downloaded, uploaded = await self._exchange(connection, client)
        except Exception as exc:
            log.warning("catalog download of connection %s failed: %r", connection_id, exc)
            self._metrics.cycles.labels(result="failed").inc()
            return "failed"
        finally:
            self._metrics.api_requests.inc(client.stats.requests)
            self._metrics.throttled.inc(client.stats.throttled)
        self._succeeded(connection_id, time.monotonic() - started, downloaded, uploaded)
        return "ok"

    async def _connection(self, connection_id: int) -> ShopConnection | None:
        async with self._sessions() as session:
            return await session.get(ShopConnection, connection_id)

    async def _exchange(
        self, connection: ShopConnection, client: HttpShoprenterClient
    ) -> tuple[int, int]:
        """Download, then upload, as the connection's product tab says: products moved each way."""
        downloaded = uploaded = 0
        if connection.products_download_enabled:
            downloaded = (await self._downloader.run(connection.id, client)).products
        if connection.products_upload_enabled:
            sent = await self._uploader.run(connection.id, client)
            uploaded = sent.created + sent.overwritten
            self._metrics.upload_failed.inc(len(sent.failed))
        return downloaded, uploaded

    def _succeeded(
        self, connection_id: int, seconds: float, downloaded: int, uploaded: int
    ) -> None:
        self._metrics.cycle_seconds.observe(seconds)
        self._metrics.downloaded.inc(downloaded)
        self._metrics.uploaded.inc(uploaded)
        self._metrics.cycles.labels(result="ok").inc()
        self._metrics.last_success.labels(connection=str(connection_id)).set(time.time())


def _syncs_products(connection: ShopConnection) -> bool:
    """Enabled, with the product download or upload (or both) switched on."""
    wanted = connection.products_download_enabled or connection.products_upload_enabled
    return connection.enabled and wanted
