"""The stock-sync composition root: leader tick timer, tick and change consumers.

Stock movements are coalesced per SKU and pushed every second to uploading shops; ticks
reconcile (upload) or download into the chosen warehouse.
"""

from __future__ import annotations

import logging

import faust
from prometheus_client import CollectorRegistry

from services.stock_sync.metrics import stock_metrics
from services.stock_sync.worker import StockWorker
from shopsync.adapters.health import survived
from shopsync.adapters.kafka import worker_app as workers
from shopsync.adapters.kafka.records import StockMoved
from shopsync.adapters.kafka.topics import DLQ_STOCK_SYNC, STOCK_MOVEMENTS
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.settings import Settings

SERVICE = workers.SyncService("shopsync-stock-sync", "stock", DLQ_STOCK_SYNC)
MOVEMENTS = workers.ChangeFeed(STOCK_MOVEMENTS, "stock-changes", StockMoved)
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    worker = workers.worker_app(SERVICE.app_id, settings, settings.stock_sync_port, registry)
    _feed(worker, settings, _stock_worker(worker, settings))
    return worker.with_service_pages()


def _stock_worker(worker: workers.WorkerApp, settings: Settings) -> StockWorker:
    cipher = CredentialCipher(load_or_create_key(settings))
    metrics = stock_metrics(worker.registry)
    throttled = shop_api_metrics(worker.registry).throttled_for("stock")
    return StockWorker(worker.sessions, cipher, metrics, lambda: worker.resources.http, throttled)


def _feed(worker: workers.WorkerApp, settings: Settings, stock: StockWorker) -> None:
    """Ticks and stock movements to the stock worker, and its owed stock flushed every second."""
    ticks = workers.wire_sync_ticks(worker, SERVICE, settings, stock.on_tick)
    workers.consume_changes(worker, ticks, MOVEMENTS, stock.on_movement)
    _flush_every_second(worker, stock)


def _flush_every_second(worker: workers.WorkerApp, stock: StockWorker) -> None:
    @worker.app.timer(1.0)
    async def flush_owed_stock() -> None:
        # Movements of the last second, coalesced per SKU, go out as one batch per shop.
        await survived(worker.readiness, "stock push", stock.flush())
