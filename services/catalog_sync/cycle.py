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
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
        if connection is None or not connection.enabled:
            return "skipped"
        download = connection.products_download_enabled
        upload = connection.products_upload_enabled
        if not (download or upload):
            return "skipped"
        client = HttpShoprenterClient(shop_access(connection, self._cipher), self._http())
        started = time.monotonic()
        downloaded = uploaded = 0
        try:
            if download:
                report = await self._downloader.run(connection_id, client)
                downloaded = report.products
            if upload:
                sent = await self._uploader.run(connection_id, client)
                uploaded = sent.created + sent.overwritten
                self._metrics.upload_failed.inc(len(sent.failed))
        except Exception as exc:
            log.warning("catalog download of connection %s failed: %r", connection_id, exc)
            self._metrics.cycles.labels(result="failed").inc()
            return "failed"
        finally:
            self._metrics.api_requests.inc(client.stats.requests)
            self._metrics.throttled.inc(client.stats.throttled)
        self._metrics.cycle_seconds.observe(time.monotonic() - started)
        self._metrics.downloaded.inc(downloaded)
        self._metrics.uploaded.inc(uploaded)
        self._metrics.cycles.labels(result="ok").inc()
        self._metrics.last_success.labels(connection=str(connection_id)).set(time.time())
        return "ok"
