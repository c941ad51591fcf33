"""Many order events in one transaction: the way to thousands of orders per second.

The rules are those of the single-event handler; only the I/O is shaped differently: the
inbox, connections, existing documents, products and stock levels are read once per batch,
numbers come from series rows locked once, and rows are inserted in a few flushes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.decisions import IntakeRules, kind_for_status
from services.order_processor.handlers import CONSUMER, OrderEventHandler, Outcome, PoisonEvent
from shopsync.contracts import encode_trusted
from shopsync.db.base import Base
from shopsync.db.bulk import (
    custom_plans,
    insert_ignoring_conflicts,
    insert_returning_ids,
    insert_rows,
)
from shopsync.db.models import (
    Document,
    DocumentLine,
    OutboxMessage,
    ProcessedEvent,
    Product,
    ShopConnection,
    SkuMiss,
    StockLevel,
    StockMovement,
)
from shopsync.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.documents import DocumentKind, build_document
from shopsync.domain.orders import Order, read_order
from shopsync.events import DocumentIssued, Event, OrderReceived, StockMoved
from shopsync.issuing import (
    DocumentKindName,
    document_row,
    final_fields,
    line_rows,
    numbering_kind,
)
from shopsync.kafka.topics import DOCUMENTS_ISSUED, STOCK_MOVEMENTS
from shopsync.numbering import NumberAllocator

log = logging.getLogger(__name__)


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


@dataclass
class BatchResult:
    outcomes: list[Outcome | PoisonEvent] = field(default_factory=list)


@dataclass
class _Issued:
    connection: ShopConnection
    order: Order
    row: dict[str, Any]
    lines: list[dict[str, Any]]
    document_id: int = 0


class BatchOrderHandler:
    """Handles a list of events in one commit; falls back to one-by-one if the batch fails."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._single = OrderEventHandler(sessions)

    async def handle_batch(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        try:
            return await self._batch(events)
        except Exception as exc:  # a conflict with another worker, or one odd event
            log.warning("batch of %d failed (%r): handling one by one", len(events), exc)
            results: list[Outcome | PoisonEvent] = []
            for event in events:
                try:
                    results.append(await self._single.handle(event))
                except PoisonEvent as poison:
                    results.append(poison)
            return results

    async def _batch(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            session = uow.session
            connections = await _connections(session, {e.connection_id for e in events})
            fresh = await _claim(session, events, connections)
            results: list[Outcome | PoisonEvent] = []
            issued: list[_Issued] = []
            now = datetime.now(UTC)
            # Reads first, planned for their actual keys (see custom_plans); writes after.
            async with custom_plans(session):
                existing = await _existing_documents(session, events)
                numbers = NumberAllocator(session)
                for event in events:
                    connection = _connection_of(event, connections)
                    if connection is None:
                        results.append(PoisonEvent(f"unknown connection {event.connection_id}"))
                        continue
                    if event.event_id not in fresh:
                        results.append(Outcome("duplicate"))
                        continue
                    fresh.discard(event.event_id)  # a second copy in this batch is a duplicate
                    outcome, item = await self._decide(
                        uow, connection, event, existing, numbers, now
                    )
                    results.append(outcome)
                    if item is not None:
                        issued.append(item)
                stock = await _StockPlan.locked(session, issued)
            await _insert_documents(session, issued)
            await _after_insert(uow, issued, results, stock)
            await uow.commit()
            return results

    async def _decide(
        self,
        uow: SqlAlchemyUnitOfWork,
        connection: ShopConnection,
        event: OrderReceived,
        existing: set[tuple[int, str, str]],
        numbers: NumberAllocator,
        now: datetime,
    ) -> tuple[Outcome, _Issued | None]:
        if not (connection.enabled and connection.orders_enabled):
            return Outcome("skipped"), None
        if event.status_id in (connection.orders_cancel_status_ids or []):
            # Rare: the one-event path (storno and stock return) inside this transaction.
            return await self._single.cancel_in(uow, connection, read_order(event.order)), None
        rules = IntakeRules(
            connection.orders_auto_accept,
            connection.orders_status_rules or {},
            connection.orders_default_kind,
        )
        kind = kind_for_status(rules, event.status_id)
        if kind is None:
            return Outcome("skipped"), None
        key = (connection.id, event.order_id, kind.value)
        if key in existing:
            return Outcome("duplicate", kind.value), None
        existing.add(key)
        order = read_order(event.order)
        return Outcome("issued", kind.value), await _new_document(
            connection, order, kind, numbers, now
        )


def _connection_of(
    event: OrderReceived, connections: dict[int, ShopConnection]
) -> ShopConnection | None:
    connection = connections.get(event.connection_id)
    if connection is None or connection.account_id != event.account_id:
        return None
    return connection


async def _claim(
    session: AsyncSession, events: list[OrderReceived], connections: dict[int, ShopConnection]
) -> set[str]:
    """Write the inbox rows of this batch; the event ids that were not there before.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING` instead of a lookup: the unique index
    answers, whatever plan the database would choose for a 500-value IN list.
    """
    now = datetime.now(UTC)
    wanted = {e.event_id for e in events if _connection_of(e, connections) is not None}
    if not wanted:
        return set()
    table = table_of(ProcessedEvent)
    statement = insert_ignoring_conflicts(session, table, ["consumer", "event_id"]).returning(
        table.c.event_id
    )
    rows = [{"consumer": CONSUMER, "event_id": e, "processed_at": now} for e in wanted]
    return set((await session.execute(statement, rows)).scalars())


async def _connections(session: AsyncSession, ids: set[int]) -> dict[int, ShopConnection]:
    rows = await session.execute(select(ShopConnection).where(ShopConnection.id.in_(ids)))
    return {c.id: c for c in rows.scalars()}


async def _existing_documents(
    session: AsyncSession, events: list[OrderReceived]
) -> set[tuple[int, str, str]]:
    # Two plain IN lists that the unique index (connection, order, kind) serves; a row-valued
    # IN list is not an index condition on PostgreSQL and would scan the whole table.
    pairs = {(e.connection_id, e.order_id) for e in events}
    rows = await session.execute(
        select(Document.connection_id, Document.order_ref, Document.kind).where(
            Document.connection_id.in_({c for c, _ in pairs}),
            Document.order_ref.in_({o for _, o in pairs}),
        )
    )
    return {(r[0], r[1], r[2]) for r in rows if (r[0], r[1]) in pairs}


async def _new_document(
    connection: ShopConnection,
    order: Order,
    kind: DocumentKind,
    numbers: NumberAllocator,
    now: datetime,
) -> _Issued:
    """The document and its lines as plain rows: Core inserts are ~5× cheaper than the ORM."""
    draft = build_document(order, kind)
    row = document_row(connection, order, draft, connection.orders_draft, now)
    if not connection.orders_draft:
        number = await numbers.take(connection.account_id, numbering_kind(kind), row["series"])
        row.update(final_fields(connection, row["series"], order.buyer.email, number, now))
    lines = line_rows(draft)
    return _Issued(connection, order, row, lines)


async def _insert_documents(session: AsyncSession, issued: list[_Issued]) -> None:
    if not issued:
        return
    ids = await insert_returning_ids(session, table_of(Document), [item.row for item in issued])
    for item, document_id in zip(issued, ids, strict=True):
        item.document_id = document_id
    await insert_rows(
        session,
        table_of(DocumentLine),
        [{**line, "document_id": item.document_id} for item in issued for line in item.lines],
    )


async def _after_insert(
    uow: SqlAlchemyUnitOfWork,
    issued: list[_Issued],
    results: list[Outcome | PoisonEvent],
    stock: _StockPlan,
) -> None:
    """Outbox records, stock movements and SKU misses, now that documents have ids."""
    session = uow.session
    outbox: list[dict[str, Any]] = []
    for item in issued:
        r = item.row
        outbox.append(
            _outbox(
                DOCUMENTS_ISSUED,
                f"{r['connection_id']}:{r['order_ref']}",
                DocumentIssued.model_construct(
                    event_id=f"document:{item.document_id}:{'draft' if r['draft'] else 'final'}",
                    document_id=item.document_id,
                    account_id=r["account_id"],
                    connection_id=r["connection_id"],
                    order_ref=r["order_ref"],
                    kind=cast(DocumentKindName, r["kind"]),
                    draft=r["draft"],
                    document_number=r["document_number"],
                    currency=r["currency"],
                    total_gross=r["total_gross"],
                    issued_at=r["issued_at"] or r["created_at"],
                ),
            )
        )
    misses: dict[int, int] = {}
    if stock.items:
        outbox.extend(await _move_stock(session, stock, misses))
    await insert_rows(session, table_of(OutboxMessage), outbox)
    _attach_ids(issued, results, misses)


def _outbox(topic: str, key: str, event: Event) -> dict[str, Any]:
    return {
        "topic": topic,
        "key": key,
        "payload": encode_trusted(event).decode(),
        "created_at": datetime.now(UTC),
        "sent_at": None,
    }


async def _move_stock(
    session: AsyncSession, stock: _StockPlan, misses: dict[int, int]
) -> list[dict[str, Any]]:
    products = stock.products
    movements: list[dict[str, Any]] = []
    skus: list[str] = []
    sku_misses: list[dict[str, Any]] = []
    for item in stock.items:
        warehouse_id = item.connection.orders_stock_warehouse_id
        assert warehouse_id is not None
        for line in item.order.items:
            product = products.get((item.connection.account_id, line.sku))
            if product is None:
                sku_misses.append(
                    {
                        "document_id": item.document_id,
                        "connection_id": item.connection.id,
                        "order_ref": item.order.order_id,
                        "sku": line.sku or "(no SKU)",
                        "created_at": item.row["created_at"],
                    }
                )
                misses[item.document_id] = misses.get(item.document_id, 0) + 1
                continue
            movements.append(
                {
                    "account_id": item.connection.account_id,
                    "warehouse_id": warehouse_id,
                    "product_id": product,
                    "quantity": -line.quantity,
                    "reason": "order",
                    "document_id": item.document_id,
                    "note": f"order {item.order.order_id}",
                    "created_at": item.row["created_at"],
                }
            )
            skus.append(line.sku)
    await insert_rows(session, table_of(SkuMiss), sku_misses)
    if not movements:
        return []
    ids = await insert_returning_ids(session, table_of(StockMovement), movements)
    await _apply_deltas(session, stock)
    return [
        _outbox(
            STOCK_MOVEMENTS,
            f"{m['account_id']}:{sku}",
            StockMoved.model_construct(
                event_id=f"movement:{movement_id}",
                movement_id=movement_id,
                account_id=m["account_id"],
                warehouse_id=m["warehouse_id"],
                sku=sku,
                quantity=m["quantity"],
                reason="order",
                document_id=m["document_id"],
                created_at=m["created_at"],
            ),
        )
        for m, sku, movement_id in zip(movements, skus, ids, strict=True)
    ]


async def _apply_deltas(session: AsyncSession, stock: _StockPlan) -> None:
    """Add to the (already locked) stock levels in one statement; create the missing ones."""
    table = table_of(StockLevel)
    deltas, present = stock.deltas, stock.present
    keys = list(deltas)
    now = datetime.now(UTC)
    updates = [
        {"w": w, "p": p, "d": deltas[(w, p)], "now": now} for w, p in keys if (w, p) in present
    ]
    if updates:
        await session.execute(
            update(table)
            .where(table.c.warehouse_id == bindparam("w"), table.c.product_id == bindparam("p"))
            .values(quantity=table.c.quantity + bindparam("d"), updated_at=bindparam("now")),
            updates,
        )
    missing = [
        {"warehouse_id": w, "product_id": p, "quantity": deltas[(w, p)], "updated_at": now}
        for w, p in keys
        if (w, p) not in present
    ]
    if missing:
        await session.execute(insert(table), missing)


def _attach_ids(
    issued: list[_Issued],
    results: list[Outcome | PoisonEvent],
    misses: dict[int, int] | None = None,
) -> None:
    by_document = iter(issued)
    for position, result in enumerate(results):
        if isinstance(result, Outcome) and result.result == "issued" and result.document_id is None:
            item = next(by_document, None)
            if item is None:
                return
            results[position] = Outcome(
                "issued", result.kind, item.document_id, (misses or {}).get(item.document_id, 0)
            )


async def _products(session: AsyncSession, stocked: list[_Issued]) -> dict[tuple[int, str], int]:
    wanted = {
        (i.connection.account_id, line.sku) for i in stocked for line in i.order.items if line.sku
    }
    if not wanted:
        return {}
    rows = await session.execute(
        select(Product.account_id, Product.sku, Product.id).where(
            Product.account_id.in_({a for a, _ in wanted}),
            Product.sku.in_({s for _, s in wanted}),
        )
    )
    return {(r[0], r[1]): r[2] for r in rows if (r[0], r[1]) in wanted}


@dataclass
class _StockPlan:
    """What the batch's documents will move: products by SKU, deltas, the locked levels."""

    items: list[_Issued]
    products: dict[tuple[int, str], int]
    deltas: dict[tuple[int, int], Decimal]
    present: set[tuple[int, int]]

    @classmethod
    async def locked(cls, session: AsyncSession, issued: list[_Issued]) -> _StockPlan:
        """Look the SKUs up and lock the stock levels they touch, before any write."""
        items = [
            i
            for i in issued
            if i.connection.orders_stock_enabled and i.connection.orders_stock_warehouse_id
        ]
        if not items:
            return cls([], {}, {}, set())
        products = await _products(session, items)
        deltas: dict[tuple[int, int], Decimal] = {}
        for item in items:
            warehouse_id = item.connection.orders_stock_warehouse_id
            assert warehouse_id is not None
            for line in item.order.items:
                product = products.get((item.connection.account_id, line.sku))
                if product is not None:
                    key = (warehouse_id, product)
                    deltas[key] = deltas.get(key, Decimal(0)) - line.quantity
        present: set[tuple[int, int]] = set()
        if deltas:
            table = table_of(StockLevel)
            rows = await session.execute(
                select(table.c.warehouse_id, table.c.product_id)
                .where(
                    table.c.warehouse_id.in_({w for w, _ in deltas}),
                    table.c.product_id.in_({p for _, p in deltas}),
                )
                .with_for_update()
            )
            present = {(r[0], r[1]) for r in rows} & set(deltas)
        return cls(items, products, deltas, present)
