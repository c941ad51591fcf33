"""catalog-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shopsync.adapters.metric_set import MetricSet


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
    m = MetricSet(registry)
    return CatalogMetrics(
        downloaded=m.counter(
            "shopsync_catalog_products_downloaded_total", "Products downloaded from shops"
        ),
        uploaded=m.counter(
            "shopsync_catalog_products_uploaded_total", "Products created or overwritten in shops"
        ),
        upload_failed=m.counter(
            "shopsync_catalog_products_failed_total", "Products a shop refused (retried next cycle)"
        ),
        cycles=m.counter("shopsync_catalog_cycles_total", "Catalog cycles by result", ["result"]),
        cycle_seconds=m.histogram(
            "shopsync_catalog_cycle_seconds",
            "Catalog cycle duration",
            (1, 5, 15, 30, 60, 120, 300, 600, 1800),
        ),
        api_requests=m.counter(
            "shopsync_catalog_api_requests_total", "Shoprenter API requests made"
        ),
        throttled=m.counter(
            "shopsync_catalog_api_throttled_total", "Shoprenter 429 answers received"
        ),
        download_done=m.gauge(
            "shopsync_catalog_download_done_products",
            "Products stored so far in the current download cycle",
            ["connection"],
        ),
        download_total=m.gauge(
            "shopsync_catalog_download_total_products",
            "Products the current download cycle expects",
            ["connection"],
        ),
        last_success=m.gauge(
            "shopsync_catalog_last_success_timestamp_seconds",
            "When the connection's last catalog cycle succeeded",
            ["connection"],
        ),
    )
