"""In-memory twins of the ports (`shopsync.service_layer.ports`), for fast use-case tests.

A fake keeps what a transaction wrote aside and makes it visible only on `commit()`, like the
real unit of work; `fail_on` makes one order's writing fail as a real database would.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from shopsync.adapters.db.outbox_records import StockReason
from shopsync.adapters.shoprenter.order_reads import OrderPage
from shopsync.domain import order_actions as do
from shopsync.domain.nav_errors import NavNoAnswer
from shopsync.domain.nav_reporting import InvoiceOperation, ProcessingResult, TransactionStatus
from shopsync.domain.order_reconciling import ReconcileMark
from shopsync.domain.order_state import OrderState
from shopsync.domain.product_changes import ProductWrite, StoredProduct
from shopsync.domain.stock_levels import DownloadTarget, LevelChange
from shopsync.service_layer.ports import (
    Applied,
    Catalog,
    Hold,
    OrderKey,
    Planned,
    ShopIntake,
    StoredDocument,
)


@dataclass
class Tables:
    """What the fake stores hold; one copy committed, one per open transaction."""

    intakes: dict[int, ShopIntake] = field(default_factory=dict)
    claimed: set[tuple[str, str]] = field(default_factory=set)  # (consumer, event id)
    states: dict[OrderKey, OrderState] = field(default_factory=dict)
    catalogs: dict[int, Catalog] = field(default_factory=dict)
    applied: list[Planned] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    documents: dict[int, StoredDocument] = field(default_factory=dict)
    # stock
    targets: dict[int, DownloadTarget] = field(default_factory=dict)  # by connection id
    accounts: dict[str, int] = field(default_factory=dict)
    warehouses: dict[tuple[int, str], int] = field(default_factory=dict)
    products: dict[tuple[int, str], int] = field(default_factory=dict)  # (account, SKU) → id
    levels: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (warehouse, product)
    movements: list[tuple[LevelChange, str, str]] = field(default_factory=list)
    # catalog (accounts and the product groups' names shared with stock)
    price_groups: dict[tuple[int, str], int] = field(default_factory=dict)
    product_groups: dict[tuple[int, str], int] = field(default_factory=dict)
    catalog: dict[tuple[int, str], StoredProduct] = field(default_factory=dict)  # (account, SKU)
    catalog_changes: list[tuple[int, str, str]] = field(default_factory=list)  # (account, SKU, ?)


class FakeOrderStore:
    """The order store over `Tables`; `fail_on(order_ref)` raises when it is applied."""

    def __init__(self, tables: Tables, failures: dict[str, list[Exception | None]]) -> None:
        self.tables = tables
        self._failures = failures
        self._ids = itertools.count(len(tables.applied) + 1)

    async def intakes(self, connection_ids: set[int]) -> dict[int, ShopIntake]:
        return {i: self.tables.intakes[i] for i in connection_ids if i in self.tables.intakes}

    async def document(self, document_id: int) -> StoredDocument | None:
        return self.tables.documents.get(document_id)

    async def claim(self, consumer: str, event_ids: set[str]) -> set[str]:
        fresh = {e for e in event_ids if (consumer, e) not in self.tables.claimed}
        self.tables.claimed |= {(consumer, e) for e in fresh}
        return fresh

    async def states(self, keys: set[OrderKey]) -> dict[OrderKey, OrderState]:
        return {k: self.tables.states[k] for k in keys if k in self.tables.states}

    async def catalogs(self, skus: Iterable[tuple[int, str]]) -> dict[int, Catalog]:
        found: dict[int, Catalog] = {}
        for account, sku in skus:
            if sku in self.tables.catalogs.get(account, {}):
                found.setdefault(account, {})[sku] = self.tables.catalogs[account][sku]
        return found

    async def apply(self, planned: list[Planned], now: datetime | None = None) -> list[Applied]:
        for item in planned:
            queue = self._failures.get(item.order_ref)
            raised = (queue[0] if len(queue) == 1 else queue.pop(0)) if queue else None
            if raised is not None:
                raise raised
        self.tables.applied += planned
        return [self._applied(p) for p in planned]

    async def hold(self, holds: list[Hold]) -> None:
        self.tables.holds += holds

    async def save_states(
        self, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
    ) -> None:
        self.tables.states.update(states)

    def _applied(self, item: Planned) -> Applied:
        actions = item.decision.actions
        issues = any(isinstance(a, do.IssueDocument | do.IssueStorno) for a in actions)
        misses = sum(isinstance(a, do.RecordSkuMiss) for a in actions)
        return Applied(next(self._ids) if issues else None, misses)


class FakeStockStore:
    """Stock over `Tables`: each recorded level change is kept as a movement."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    async def download_target(self, connection_id: int) -> DownloadTarget | None:
        return self.tables.targets.get(connection_id)

    async def account_id(self, name: str) -> int | None:
        return self.tables.accounts.get(name)

    async def warehouse_id(self, account_id: int, name: str) -> int | None:
        return self.tables.warehouses.get((account_id, name))

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, int]:
        found = ((sku, self.tables.products.get((account_id, sku))) for sku in skus)
        return {sku: pid for sku, pid in found if pid is not None}

    async def levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, Decimal]:
        found = ((p, self.tables.levels.get((warehouse_id, p))) for p in product_ids)
        return {p: quantity for p, quantity in found if quantity is not None}

    async def record(self, changes: list[LevelChange], reason: StockReason, note: str) -> None:
        for change in changes:
            self.tables.levels[(change.warehouse_id, change.product_id)] = change.quantity
            self.tables.movements.append((change, reason, note))


class FakeCatalogStore:
    """The local catalog over `Tables`; ids are handed out in the order things are created."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    async def account_id(self, name: str, create: bool = False) -> int | None:
        if name not in self.tables.accounts and create:
            self.tables.accounts[name] = len(self.tables.accounts) + 1
        return self.tables.accounts.get(name)

    async def price_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]:
        found = ((n, self.tables.price_groups.get((account_id, n))) for n in names)
        return {n: i for n, i in found if i is not None}

    async def product_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]:
        groups = self.tables.product_groups
        for name in sorted(names):
            groups.setdefault((account_id, name), len(groups) + 1)
        return {n: groups[(account_id, n)] for n in names}

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, StoredProduct]:
        found = ((sku, self.tables.catalog.get((account_id, sku))) for sku in skus)
        return {sku: p for sku, p in found if p is not None}

    async def save(self, write: ProductWrite) -> None:
        key = (write.account_id, write.sku)
        old = self.tables.catalog.get(key) or StoredProduct(len(self.tables.catalog) + 1, {}, {})
        fields, prices = {**old.fields, **write.fields}, {**old.prices, **write.prices}
        self.tables.catalog[key] = StoredProduct(old.id, fields, prices)
        self.tables.catalog_changes.append((*key, write.change))


class FakeUnitOfWork:
    """One transaction over a copy of the committed tables; `commit()` makes it the truth."""

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database
        self._store: FakeOrderStore | None = None

    @property
    def orders(self) -> FakeOrderStore:
        assert self._store is not None, "use the unit of work inside `async with`"
        return self._store

    @property
    def stock(self) -> FakeStockStore:
        return FakeStockStore(self.orders.tables)

    @property
    def catalog(self) -> FakeCatalogStore:
        return FakeCatalogStore(self.orders.tables)

    async def __aenter__(self) -> Self:
        if self._database.down is not None:
            raise self._database.down
        tables = copy.deepcopy(self._database.committed)
        self._store = FakeOrderStore(tables, self._database.failures)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store = None

    async def commit(self) -> None:
        self._database.committed = self.orders.tables
        self._database.commits += 1


@dataclass
class FakeDatabase:
    """The committed tables, the failures to come, and a way to take the whole store down."""

    committed: Tables = field(default_factory=Tables)
    failures: dict[str, list[Exception | None]] = field(default_factory=dict)  # by order ref
    down: Exception | None = None
    commits: int = 0

    def units(self) -> Callable[[], FakeUnitOfWork]:
        return lambda: FakeUnitOfWork(self)

    def fail_on(self, order_ref: str, *raised: Exception | None) -> None:
        """Applying this order raises these in turn, the last one for good (None: it passes)."""
        self.failures[order_ref] = list(raised)


@dataclass
class FakeReconcileStore:
    """Reconciliation marks by connection, and the event ids the order processor handled."""

    marks: dict[int, ReconcileMark] = field(default_factory=dict)
    inbox: set[str] = field(default_factory=set)

    async def mark(self, connection_id: int) -> ReconcileMark | None:
        return self.marks.get(connection_id)

    async def save(self, connection_id: int, mark: ReconcileMark) -> None:
        self.marks[connection_id] = mark

    async def handled(self, consumer: str, event_ids: set[str]) -> set[str]:
        return event_ids & self.inbox


@dataclass
class FakeSender:
    """The broker: acknowledges every message, or fails the calls listed in `fail_calls`."""

    sent: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    fail_calls: set[int] = field(default_factory=set)
    calls: int = 0

    async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        self.calls += 1
        if self.calls in self.fail_calls:
            raise ConnectionError("broker unreachable")
        self.sent.extend(messages)


@dataclass
class FakeShopOrders:
    """A shop's changed orders in pages (already webhook-shaped); records what was asked."""

    pages: list[list[dict[str, Any]]]
    asked: list[tuple[datetime, int]] = field(default_factory=list)

    async def changed_page(self, since: datetime, page: int) -> OrderPage:
        self.asked.append((since, page))
        orders = self.pages[page] if page < len(self.pages) else []
        return OrderPage(orders, page + 1 < len(self.pages))


@dataclass
class FakeNav:
    """NAV in memory: saves each submitted invoice, answers DONE; can lose or refuse answers.

    `lose_answers` submissions are saved and then not answered (a timeout after NAV got
    them); `drop_requests` are not answered and not saved (lost on the way to NAV).
    """

    creates: dict[str, int] = field(default_factory=dict)
    transactions: dict[str, tuple[InvoiceOperation, ...]] = field(default_factory=dict)
    lose_answers: int = 0
    drop_requests: int = 0
    checked: list[str] = field(default_factory=list)

    async def submit(self, operations: Sequence[InvoiceOperation]) -> str:
        if self.drop_requests:
            self.drop_requests -= 1
            raise NavNoAnswer("", "timeout")
        for operation in operations:
            self.creates[operation.number] = self.creates.get(operation.number, 0) + 1
        transaction_id = f"T{len(self.transactions) + 1}"
        self.transactions[transaction_id] = tuple(operations)
        if self.lose_answers:
            self.lose_answers -= 1
            raise NavNoAnswer("", "timeout")
        return transaction_id

    async def status(self, transaction_id: str) -> TransactionStatus:
        operations = self.transactions.get(transaction_id, ())
        return TransactionStatus(
            transaction_id,
            tuple(ProcessingResult(i, "DONE") for i, _ in enumerate(operations, start=1)),
        )

    async def invoice_exists(self, number: str) -> bool:
        self.checked.append(number)
        return number in self.creates
