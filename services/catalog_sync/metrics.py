"""catalog-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shopsync.adapters.metric_set import Metric, build


@dataclass(frozen=True)
class CatalogMetrics:
    downloaded: Annotated[
        Counter,
        Metric("shopsync_catalog_products_downloaded_total", "Products downloaded from shops"),
    ]
    uploaded: Annotated[
        Counter,
        Metric(
            "shopsync_catalog_products_uploaded_total", "Products created or overwritten in shops"
        ),
    ]
    upload_failed: Annotated[
        Counter,
        Metric(
            "shopsync_catalog_products_failed_total", "Products a shop refused (retried next cycle)"
        ),
    ]
    cycles: Annotated[
        Counter, Metric("shopsync_catalog_cycles_total", "Catalog cycles by result", ["result"])
    ]
    cycle_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_catalog_cycle_seconds",
            "Catalog cycle duration",
            buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800),
        ),
    ]
    api_requests: Annotated[
        Counter, Metric("shopsync_catalog_api_requests_total", "Shoprenter API requests made")
    ]
    throttled: Annotated[
        Counter, Metric("shopsync_catalog_api_throttled_total", "Shoprenter 429 answers received")
    ]
    download_done: Annotated[
        Gauge,
        Metric(
            "shopsync_catalog_download_done_products",
            "Products stored so far in the current download cycle",
            ["connection"],
        ),
    ]
    download_total: Annotated[
        Gauge,
        Metric(
            "shopsync_catalog_download_total_products",
            "Products the current download cycle expects",
            ["connection"],
        ),
    ]
    last_success: Annotated[
        Gauge,
        Metric(
            "shopsync_catalog_last_success_timestamp_seconds",
            "When the connection's last catalog cycle succeeded",
            ["connection"],
        ),
    ]


def catalog_metrics(registry: CollectorRegistry) -> CatalogMetrics:
    return build(CatalogMetrics, registry)
