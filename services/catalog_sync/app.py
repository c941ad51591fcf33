"""The catalog-sync composition root: leader tick timer, tick and change consumers.

A catalog tick runs the connection's download (resumable, incremental) and upload; a local
catalog change (CLI add, import, price edit) starts the upload of the account's shops at once.
An orders tick reconciles the connection's orders by polling (services/catalog_sync/reconcile.py).
Issued and voided documents are written back onto their shop orders at once, and a writeback
tick retries the due ones (services/catalog_sync/writeback.py).
"""

from __future__ import annotations

import logging

import faust
from prometheus_client import CollectorRegistry, Counter

from services.catalog_sync.changes import UploadOnChange
from services.catalog_sync.cycle import CatalogCycle
from services.catalog_sync.metrics import catalog_metrics, reconcile_metrics, writeback_metrics
from services.catalog_sync.reconcile import ReconcileCycle
from services.catalog_sync.writeback import PdfLinks, WritebackCycle
from shopsync.adapters.db.reconcile_marks import SqlAlchemyReconcileStore
from shopsync.adapters.db.writebacks import SqlAlchemyWritebackStore
from shopsync.adapters.health import survived
from shopsync.adapters.kafka import worker_app as workers
from shopsync.adapters.kafka.records import CatalogChanged, DocumentIssued, DocumentVoided
from shopsync.adapters.kafka.ticks import TickWiring
from shopsync.adapters.kafka.topics import (
    CATALOG_CHANGES,
    DLQ_CATALOG_SYNC,
    DOCUMENTS_ISSUED,
    DOCUMENTS_VOIDED,
)
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.domain.document_links import link_key
from shopsync.service_layer.document_writeback import DocumentWriteback
from shopsync.service_layer.order_reconciling import OrderReconciler
from shopsync.settings import Settings

SERVICE = workers.SyncService("shopsync-catalog-sync", "catalog", DLQ_CATALOG_SYNC)
#: Order reconciliation ticks, run beside the catalog's (services/catalog_sync/reconcile.py).
RECONCILE = workers.SyncService(SERVICE.app_id, "orders", DLQ_CATALOG_SYNC)
CHANGES = workers.ChangeFeed(CATALOG_CHANGES, "catalog-changes", CatalogChanged)
#: Documents written back onto their shop orders, with a retry tick (writeback.py).
WRITEBACK = workers.SyncService(SERVICE.app_id, "writeback", DLQ_CATALOG_SYNC)
ISSUED = workers.ChangeFeed(DOCUMENTS_ISSUED, "documents-issued", DocumentIssued)
VOIDED = workers.ChangeFeed(DOCUMENTS_VOIDED, "documents-voided", DocumentVoided)
log = logging.getLogger(__name__)


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the leader timer and the consumers (concurrency=1)."""
    worker = workers.worker_app(SERVICE.app_id, settings, settings.catalog_sync_port, registry)
    shop_api = shop_api_metrics(worker.registry)
    cycle = _cycle(worker, settings, shop_api.throttled_for("catalog"))
    ticks = workers.wire_sync_ticks(worker, SERVICE, settings, cycle.run)
    _upload_on_change(worker, ticks)
    reconcile = _reconcile(worker, settings, shop_api.throttled_for("poll"))
    workers.wire_sync_ticks(worker, RECONCILE, settings, reconcile.run)
    _write_back(worker, settings, shop_api.throttled_for("writeback"))
    return worker.with_service_pages()


def _cycle(worker: workers.WorkerApp, settings: Settings, throttled: Counter) -> CatalogCycle:
    cipher = CredentialCipher(load_or_create_key(settings))
    metrics = catalog_metrics(worker.registry)
    return CatalogCycle(worker.sessions, cipher, lambda: worker.resources.http, metrics, throttled)


def _reconcile(worker: workers.WorkerApp, settings: Settings, throttled: Counter) -> ReconcileCycle:
    cipher = CredentialCipher(load_or_create_key(settings))
    store = SqlAlchemyReconcileStore(worker.sessions)
    reconciler = OrderReconciler(store, worker.resources.producer)
    metrics = reconcile_metrics(worker.registry)
    return ReconcileCycle(
        worker.sessions, cipher, lambda: worker.resources.http, reconciler, metrics, throttled
    )


def _write_back(worker: workers.WorkerApp, settings: Settings, throttled: Counter) -> None:
    """The retry ticks, and each issued or voided document handled as it is heard."""
    cycle = _writeback(worker, settings, throttled)
    ticks = workers.wire_sync_ticks(worker, WRITEBACK, settings, cycle.run)

    async def issued(event: DocumentIssued) -> None:
        if await cycle.issued(event):
            ticks.runner.start(event.connection_id)

    async def voided(event: DocumentVoided) -> None:
        if await cycle.voided(event):
            ticks.runner.start(event.connection_id)

    workers.consume_changes(worker, ticks, ISSUED, issued)
    workers.consume_changes(worker, ticks, VOIDED, voided)


def _writeback(worker: workers.WorkerApp, settings: Settings, throttled: Counter) -> WritebackCycle:
    secret = load_or_create_key(settings)
    links = PdfLinks(settings.public_base_url, link_key(secret))
    if not settings.public_base_url:
        log.warning(
            "PUBLIC_BASE_URL is not set: documents are not written back to Shoprenter "
            "(their PDF links would point nowhere the shop's admin can reach)"
        )
    store = SqlAlchemyWritebackStore(worker.sessions)
    return WritebackCycle(
        worker.sessions,
        CredentialCipher(secret),
        lambda: worker.resources.http,
        DocumentWriteback(store),
        links if settings.public_base_url else None,
        writeback_metrics(worker.registry),
        throttled,
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
