"""stock-sync's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge


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
    return StockMetrics(
        skus_pushed=Counter(
            "shopsync_stock_skus_pushed_total", "SKU stock values pushed", registry=registry
        ),
        api_calls=Counter(
            "shopsync_stock_api_calls_total", "Shoprenter API calls made", registry=registry
        ),
        movements=Counter(
            "shopsync_stock_movements_seen_total",
            "Stock movements received for uploading shops",
            registry=registry,
        ),
        movements_per_call=Gauge(
            "shopsync_stock_movements_per_api_call",
            "Coalescing ratio since start",
            registry=registry,
        ),
        drift_corrected=Counter(
            "shopsync_stock_reconciled_skus_total",
            "SKUs re-pushed by reconciliation ticks",
            registry=registry,
        ),
        api_errors=Counter(
            "shopsync_stock_api_errors_total", "Items or calls that failed", registry=registry
        ),
        adjusted=Counter(
            "shopsync_stock_download_adjustments_total",
            "Warehouse levels changed by downloads",
            registry=registry,
        ),
        owed=Gauge(
            "shopsync_stock_owed_skus",
            "SKU stock values waiting to be pushed (incl. those waiting out a failed push)",
            registry=registry,
        ),
    )
