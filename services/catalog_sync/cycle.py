"""One catalog cycle for one connection, as a tick asks: build its client, download, count."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import aiohttp
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogMetrics:
    downloaded: Counter
    uploaded: Counter
    upload_failed: Counter
    cycles: Counter
    cycle_seconds: Histogram
    api_requests: Counter
    throttled: Counter
    last_success: Gauge
    download_done: Gauge
    download_total: Gauge


def catalog_metrics(registry: CollectorRegistry) -> CatalogMetrics:
    return CatalogMetrics(
        downloaded=Counter(
            "shopsync_catalog_products_downloaded_total",
            "Products downloaded from shops",
            registry=registry,
        ),
        uploaded=Counter(
            "shopsync_catalog_products_uploaded_total",
            "Products created or overwritten in shops",
            registry=registry,
        ),
        upload_failed=Counter(
            "shopsync_catalog_products_failed_total",
            "Products a shop refused (retried next cycle)",
            registry=registry,
        ),
        cycles=Counter(
            "shopsync_catalog_cycles_total",
            "Catalog cycles by result",
            ["result"],
            registry=registry,
        ),
        cycle_seconds=Histogram(
            "shopsync_catalog_cycle_seconds",
            "Catalog cycle duration",
            buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800),
            registry=registry,
        ),
        api_requests=Counter(
            "shopsync_catalog_api_requests_total", "Shoprenter API requests made", registry=registry
        ),
        throttled=Counter(
            "shopsync_catalog_api_throttled_total",
            "Shoprenter 429 answers received",
            registry=registry,
        ),
        download_done=Gauge(
            "shopsync_catalog_download_done_products",
            "Products stored so far in the current download cycle",
            ["connection"],
            registry=registry,
        ),
        download_total=Gauge(
            "shopsync_catalog_download_total_products",
            "Products the current download cycle expects",
            ["connection"],
            registry=registry,
        ),
        last_success=Gauge(
            "shopsync_catalog_last_success_timestamp_seconds",
            "When the connection's last catalog cycle succeeded",
            ["connection"],
            registry=registry,
        ),
    )


class CatalogCycle:
    """Runs the download for a connection when its product tab says so."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cipher: CredentialCipher,
        http: aiohttp.ClientSession,
        metrics: CatalogMetrics,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._http = http
        self._metrics = metrics
        self._downloader = CatalogDownloader(sessions, self._progress)
        self._uploader = CatalogUploader(sessions)

    async def close(self) -> None:
        await self._http.close()

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
        client = HttpShoprenterClient(shop_access(connection, self._cipher), self._http)
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
