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


@dataclass(frozen=True)
class ReconcileMetrics:
    """Order reconciliation by polling, run by this worker (see services/catalog_sync/app.py)."""

    recovered: Annotated[
        Counter,
        Metric(
            "shopsync_orders_recovered_total",
            "Order statuses the poll published because the order processor had not handled "
            "them (a lost webhook, or one still on its way)",
        ),
    ]
    polled: Annotated[
        Counter, Metric("shopsync_orders_polled_total", "Changed orders read by the poll")
    ]
    passes: Annotated[
        Counter,
        Metric("shopsync_orders_poll_passes_total", "Reconciliation passes by result", ["result"]),
    ]
    lag: Annotated[
        Gauge,
        Metric(
            "shopsync_orders_poll_lag_seconds",
            "Seconds since the connection's reconciliation mark (every change before it is "
            "published)",
            ["connection"],
        ),
    ]
    api_requests: Annotated[
        Counter,
        Metric("shopsync_orders_poll_api_requests_total", "Shoprenter API requests of the poll"),
    ]


def reconcile_metrics(registry: CollectorRegistry) -> ReconcileMetrics:
    return build(ReconcileMetrics, registry)


@dataclass(frozen=True)
class WritebackMetrics:
    """Documents written back onto their Shoprenter orders (services/catalog_sync/writeback.py)."""

    writebacks: Annotated[
        Counter,
        Metric(
            "shopsync_writebacks_total",
            "Document write-back attempts by outcome (done, failed, withdrawn)",
            ["outcome"],
        ),
    ]
    api_requests: Annotated[
        Counter,
        Metric("shopsync_writeback_api_requests_total", "Shoprenter API requests of write-back"),
    ]


def writeback_metrics(registry: CollectorRegistry) -> WritebackMetrics:
    return build(WritebackMetrics, registry)
