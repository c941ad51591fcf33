"""stock-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from prometheus_client import CollectorRegistry, Counter, Gauge

from shopsync.adapters.metric_set import Metric, build


@dataclass(frozen=True)
class StockMetrics:
    skus_pushed: Annotated[
        Counter, Metric("shopsync_stock_skus_pushed_total", "SKU stock values pushed")
    ]
    api_calls: Annotated[
        Counter, Metric("shopsync_stock_api_calls_total", "Shoprenter API calls made")
    ]
    movements: Annotated[
        Counter,
        Metric(
            "shopsync_stock_movements_seen_total", "Stock movements received for uploading shops"
        ),
    ]
    movements_per_call: Annotated[
        Gauge, Metric("shopsync_stock_movements_per_api_call", "Coalescing ratio since start")
    ]
    drift_corrected: Annotated[
        Counter,
        Metric("shopsync_stock_reconciled_skus_total", "SKUs re-pushed by reconciliation ticks"),
    ]
    api_errors: Annotated[
        Counter, Metric("shopsync_stock_api_errors_total", "Items or calls that failed")
    ]
    adjusted: Annotated[
        Counter,
        Metric(
            "shopsync_stock_download_adjustments_total", "Warehouse levels changed by downloads"
        ),
    ]
    owed: Annotated[
        Gauge,
        Metric(
            "shopsync_stock_owed_skus",
            "SKU stock values waiting to be pushed (incl. those waiting out a failed push)",
        ),
    ]


def stock_metrics(registry: CollectorRegistry) -> StockMetrics:
    return build(StockMetrics, registry)
