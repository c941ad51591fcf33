"""catalog-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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
