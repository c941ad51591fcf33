"""The catalog-sync composition root: leader tick timer, tick and change consumers.

A catalog tick runs the connection's download (resumable, incremental) and upload; a local
catalog change (CLI add, import, price edit) starts the upload of the account's shops at once.
An orders tick reconciles the connection's orders by polling (services/catalog_sync/reconcile.py).
"""

from __future__ import annotations

import logging

import faust
from prometheus_client import CollectorRegistry

from services.catalog_sync.changes import UploadOnChange
from services.catalog_sync.cycle import CatalogCycle
from services.catalog_sync.metrics import catalog_metrics, reconcile_metrics
from services.catalog_sync.reconcile import ReconcileCycle
from shopsync.adapters.db.reconcile_marks import SqlAlchemyReconcileStore
from shopsync.adapters.health import survived
from shopsync.adapters.kafka import worker_app as workers
from shopsync.adapters.kafka.records import CatalogChanged
from shopsync.adapters.kafka.ticks import TickWiring
from shopsync.adapters.kafka.topics import CATALOG_CHANGES, DLQ_CATALOG_SYNC
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.service_layer.order_reconciling import OrderReconciler
from shopsync.settings import Settings

SERVICE = workers.SyncService("shopsync-catalog-sync", "catalog", DLQ_CATALOG_SYNC)
#: Order reconciliation ticks, run beside the catalog's (services/catalog_sync/reconcile.py).
RECONCILE = workers.SyncService(SERVICE.app_id, "orders", DLQ_CATALOG_SYNC)
CHANGES = workers.ChangeFeed(CATALOG_CHANGES, "catalog-changes", CatalogChanged)
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    worker = workers.worker_app(SERVICE.app_id, settings, settings.catalog_sync_port, registry)
    ticks = workers.wire_sync_ticks(worker, SERVICE, settings, _cycle(worker, settings).run)
    _upload_on_change(worker, ticks)
    workers.wire_sync_ticks(worker, RECONCILE, settings, _reconcile(worker, settings).run)
    return worker.with_service_pages()


def _cycle(worker: workers.WorkerApp, settings: Settings) -> CatalogCycle:
    cipher = CredentialCipher(load_or_create_key(settings))
    metrics = catalog_metrics(worker.registry)
    return CatalogCycle(worker.sessions, cipher, lambda: worker.resources.http, metrics)


def _reconcile(worker: workers.WorkerApp, settings: Settings) -> ReconcileCycle:
    cipher = CredentialCipher(load_or_create_key(settings))
    store = SqlAlchemyReconcileStore(worker.sessions)
    reconciler = OrderReconciler(store, worker.resources.producer)
    metrics = reconcile_metrics(worker.registry)
    return ReconcileCycle(
        worker.sessions, cipher, lambda: worker.resources.http, reconciler, metrics
    )


def _upload_on_change(worker: workers.WorkerApp, ticks: TickWiring) -> None:
    """Uploads the account's shops soon after a local catalog change is heard."""
    uploads = UploadOnChange(worker.sessions, ticks.runner)
    _hear_changes(worker, ticks, uploads)
    _start_due_uploads(worker, uploads)


def _hear_changes(worker: workers.WorkerApp, ticks: TickWiring, uploads: UploadOnChange) -> None:
    async def heard(change: CatalogChanged) -> None:
        uploads.heard(change)

    workers.consume_changes(worker, ticks, CHANGES, heard)


def _start_due_uploads(worker: workers.WorkerApp, uploads: UploadOnChange) -> None:
    """Every two seconds, the uploads owed since the last round start."""

    @worker.app.timer(2.0)
    async def upload_changes() -> None:
        await survived(worker.readiness, "upload on change", uploads.start_due())
