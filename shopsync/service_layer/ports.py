"""The ports the use cases talk through: small Protocols the adapters and the test fakes fill.

A use case never opens a database session or an HTTP connection itself: it is handed a
unit of work (one transaction, rolled back unless committed) whose repositories say in the
domain's words what is read and written. `tests/fakes.py` holds the in-memory twins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from shopsync.adapters.db.order_store import Catalog, Hold, OrderKey, ShopIntake, StoredDocument
from shopsync.adapters.db.order_writer import Applied, Planned
from shopsync.adapters.db.outbox_records import StockReason
from shopsync.adapters.shoprenter.client import BatchRequest, BatchResult
from shopsync.adapters.store_errors import Conflict, Outage
from shopsync.domain.document_writeback import InvoiceRow, WritebackJob, WritebackState
from shopsync.domain.exchange_rates import DayRates, PublishedRate
from shopsync.domain.nav_report_rules import Finished, NewReport, Report, ReportState
from shopsync.domain.nav_reporting import InvoiceOperation, TransactionStatus
from shopsync.domain.order_state import OrderState
from shopsync.domain.product_changes import ProductWrite, StoredProduct
from shopsync.domain.stock_levels import DownloadTarget, LevelChange
from shopsync.domain.sync_runs import FinishedRun
from shopsync.domain.webhooks import ShopWebhook

__all__ = [
    "Applied",
    "Catalog",
    "CatalogStore",
    "Conflict",
    "ExchangeRates",
    "Hold",
    "InvoiceDataSource",
    "MnbRates",
    "NavReportStore",
    "NavReporting",
    "OrderKey",
    "OrderStore",
    "Outage",
    "Planned",
    "ShopIntake",
    "ShopOrderInvoices",
    "ShopWebhooks",
    "ShoprenterClient",
    "StockStore",
    "StoredDocument",
    "SyncRunLog",
    "UnitOfWork",
    "WritebackStore",
]


class OrderStore(Protocol):
    """What the order lifecycle reads and writes, in the unit of work's transaction."""

    async def intakes(self, connection_ids: set[int]) -> dict[int, ShopIntake]: ...

    async def document(self, document_id: int) -> StoredDocument | None: ...

    async def claim(self, consumer: str, event_ids: set[str]) -> set[str]:
        """Mark these events handled by `consumer`; the ids that were not marked before."""
        ...

    async def states(self, keys: set[OrderKey]) -> dict[OrderKey, OrderState]:
        """The stored states of these orders, locked until the transaction ends."""
        ...

    async def catalogs(self, skus: Iterable[tuple[int, str]]) -> dict[int, Catalog]:
        """Product ids by account and SKU, for the (account, SKU) pairs asked about."""
        ...

    async def apply(self, planned: list[Planned], now: datetime | None = None) -> list[Applied]:
        """Carry out decisions: documents, numbers, stock, outbox records; one result each.

        `now` is the moment the documents are issued at (the batch's; the current time if
        not given).
        """
        ...

    async def hold(self, holds: list[Hold]) -> None: ...

    async def save_states(
        self, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
    ) -> None:
        """Write changed states; `stored` are the orders whose state exists already."""
        ...


class StockStore(Protocol):
    """Stock levels by warehouse and product, set as movements (each with its StockMoved)."""

    async def download_target(self, connection_id: int) -> DownloadTarget | None: ...

    async def account_id(self, name: str) -> int | None: ...

    async def warehouse_id(self, account_id: int, name: str) -> int | None: ...

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, int]: ...

    async def levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, Decimal]: ...

    async def record(self, changes: list[LevelChange], reason: StockReason, note: str) -> None:
        """Set these levels; each difference becomes a movement and a StockMoved record."""
        ...


class SyncRunLog(Protocol):
    """The history of sync cycles, for flows that keep no state row to write it beside."""

    async def record(self, connection_id: int, run: FinishedRun) -> None: ...


class CatalogStore(Protocol):
    """The local catalog for hand-made changes; each saved product gets its CatalogChanged."""

    async def account_id(self, name: str, create: bool = False) -> int | None: ...

    async def price_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]: ...

    async def product_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]:
        """Ids of the account's product groups by name; the missing ones are created."""
        ...

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, StoredProduct]: ...

    async def save(self, write: ProductWrite) -> None:
        """Write the product's fields and prices (created if new), and its CatalogChanged."""
        ...


class UnitOfWork(Protocol):
    """`async with uow:` one transaction, rolled back unless committed, with its stores.

    The order path's unit of work also says the database's failures as Outage or Conflict.
    """

    @property
    def orders(self) -> OrderStore: ...

    @property
    def stock(self) -> StockStore: ...

    @property
    def catalog(self) -> CatalogStore: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class MnbRates(Protocol):
    """MNB's exchange-rate service (`HttpMnbClient`): what it published, HUF per unit."""

    async def exchange_rates(
        self, start: date, end: date, currencies: Iterable[str]
    ) -> list[PublishedRate]:
        """Rates published from start to end (publication days only); MnbError otherwise."""
        ...


class ExchangeRates(Protocol):
    """The rates valid on a Budapest day (`RateBook`), asked for before a batch's transaction."""

    async def on_day(self, day: date, currencies: Iterable[str]) -> DayRates: ...


class ShoprenterClient(Protocol):
    """One shop's Admin API, paced and authenticated by the adapter (`HttpShoprenterClient`)."""

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...

    def iterate(
        self, resource: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a collection, full objects, page by page."""
        ...

    async def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResult]:
        """Sub-requests in batches; a lost answer is resent only when all are idempotent."""
        ...

    async def find_product_ids(self, skus: Sequence[str]) -> dict[str, str]:
        """The shop's product ids by SKU, of the SKUs it has."""
        ...


class ShopWebhooks(Protocol):
    """The shop's webhooks (`HttpShoprenterWebhooks`); writes are of ShopSync's own hook only."""

    async def sign_in(self) -> None:
        """Authenticate now: ShoprenterAuthError when the shop refuses the credentials."""
        ...

    async def list(self) -> list[ShopWebhook]: ...

    async def create(self, url: str) -> None: ...

    async def update(self, hook_id: str, url: str) -> None: ...

    async def delete(self, hook_id: str) -> None: ...


class NavReporting(Protocol):
    """One technical user's NAV Online Számla (`HttpNavClient`): submit, follow, check."""

    async def submit(self, operations: Sequence[InvoiceOperation]) -> str:
        """One /manageInvoice of 1..100 operations: its transaction id; NavNoAnswer if lost."""
        ...

    async def status(self, transaction_id: str) -> TransactionStatus: ...

    async def invoice_exists(self, number: str) -> bool: ...


class NavReportStore(Protocol):
    """Each document's NAV report (`SqlAlchemyNavReportStore`); every call its own transaction."""

    async def record(self, reports: Sequence[NewReport]) -> int:
        """Keep reports (pending); one kept before is left as it is. How many are new."""
        ...

    async def open_reports(self, account_id: int) -> list[Report]:
        """The account's pending and sent reports, each storno with its invoice's state."""
        ...

    async def claim(self, document_ids: Sequence[int], check_at: datetime) -> None:
        """Pending → sent (no transaction yet), committed before the request leaves."""
        ...

    async def submitted(
        self, transaction_id: str, indexed: Sequence[tuple[int, int]], check_at: datetime
    ) -> None:
        """NAV's transaction id and each document's index in it (document id, index)."""
        ...

    async def check_later(self, document_ids: Sequence[int], check_at: datetime) -> None: ...

    async def finished(self, outcomes: Sequence[Finished]) -> None: ...

    async def unclaim(self, document_ids: Sequence[int]) -> None:
        """Back to pending: NAV was asked and does not have them."""
        ...

    async def reopen(self, document_id: int) -> ReportState | None:
        """An aborted report back to pending (to be sent anew); its state before, or None."""
        ...


class InvoiceDataSource(Protocol):
    """The InvoiceData XML of a document as it stands now (`nav_export.export_invoice_data`)."""

    async def invoice_data(self, document_id: int) -> bytes:
        """The schema-valid XML; ExportRefused saying why there is none."""
        ...


class ShopOrderInvoices(Protocol):
    """The shop's orderInvoices rows and order statuses (`HttpShopOrderInvoices`)."""

    async def create(self, row: InvoiceRow) -> str:
        """POST the row (never resent after a lost answer); the shop's id of it."""
        ...

    async def find(self, row: InvoiceRow) -> str | None:
        """The id of the order's row with this number, if the shop has one."""
        ...

    async def delete(self, row_id: str) -> None: ...

    async def set_status(self, order_ref: str, status_id: str) -> None: ...


class WritebackStore(Protocol):
    """Each document's write-back state (`SqlAlchemyWritebackStore`); each call commits."""

    async def record(self, job: WritebackJob, now: datetime) -> None: ...

    async def withdraw(self, document_id: int, now: datetime) -> bool: ...

    async def due(self, connection_id: int, now: datetime, limit: int = 50) -> list[int]: ...

    async def claim(self, document_id: int, now: datetime) -> WritebackJob | None:
        """Begin an attempt (counted, leased) unless another began it or it is not due."""
        ...

    async def row_written(self, document_id: int, row_id: str) -> None: ...

    async def finished(self, document_id: int, state: WritebackState, status_set: bool) -> None: ...

    async def failed(self, document_id: int, error: str, next_at: datetime) -> None: ...
