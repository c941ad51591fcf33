"""stock-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge

from shopsync.adapters.metric_set import MetricSet


@dataclass(frozen=True)
class StockMetrics:
    skus_pushed: Counter
    api_calls: Counter
    movements: Counter
    movements_per_call: Gauge
    drift_corrected: Counter
    api_errors: Counter
    adjusted: Counter
    owed: Gauge


def stock_metrics(registry: CollectorRegistry) -> StockMetrics:
    m = MetricSet(registry)
    return StockMetrics(
        skus_pushed=m.counter("shopsync_stock_skus_pushed_total", "SKU stock values pushed"),
        api_calls=m.counter("shopsync_stock_api_calls_total", "Shoprenter API calls made"),
        movements=m.counter(
            "shopsync_stock_movements_seen_total", "Stock movements received for uploading shops"
        ),
        movements_per_call=m.gauge(
            "shopsync_stock_movements_per_api_call", "Coalescing ratio since start"
        ),
        drift_corrected=m.counter(
            "shopsync_stock_reconciled_skus_total", "SKUs re-pushed by reconciliation ticks"
        ),
        api_errors=m.counter("shopsync_stock_api_errors_total", "Items or calls that failed"),
        adjusted=m.counter(
            "shopsync_stock_download_adjustments_total", "Warehouse levels changed by downloads"
        ),
        owed=m.gauge(
            "shopsync_stock_owed_skus",
            "SKU stock values waiting to be pushed (incl. those waiting out a failed push)",
        ),
    )
