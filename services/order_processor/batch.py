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
from typing import cast

from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.decisions import IntakeRules, kind_for_status
from services.order_processor.handlers import CONSUMER, OrderEventHandler, Outcome, PoisonEvent
from shopsync.db.models import (
    Document,
    DocumentLine,
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
from shopsync.events import DocumentIssued, OrderReceived, StockMoved
from shopsync.issuing import DocumentKindName, numbering_kind, series_of
from shopsync.kafka.topics import DOCUMENTS_ISSUED, STOCK_MOVEMENTS
from shopsync.numbering import NumberAllocator, format_number

log = logging.getLogger(__name__)


@dataclass
class BatchResult:
    outcomes: list[Outcome | PoisonEvent] = field(default_factory=list)


@dataclass
class _Issued:
    connection: ShopConnection
    order: Order
    document: Document


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
            done = await _processed(session, [e.event_id for e in events])
            connections = await _connections(session, {e.connection_id for e in events})
            existing = await _existing_documents(session, events)
            numbers = NumberAllocator(session)
            results: list[Outcome | PoisonEvent] = []
            issued: list[_Issued] = []
            inbox: list[dict[str, object]] = []
            now = datetime.now(UTC)
            for event in events:
                if event.event_id in done:
                    results.append(Outcome("duplicate"))
                    continue
                done.add(event.event_id)
                connection = connections.get(event.connection_id)
                if connection is None or connection.account_id != event.account_id:
                    results.append(PoisonEvent(f"unknown connection {event.connection_id}"))
                    continue
                inbox.append(
                    {"consumer": CONSUMER, "event_id": event.event_id, "processed_at": now}
                )
                outcome, document = await self._decide(
                    uow, connection, event, existing, numbers, now
                )
                results.append(outcome)
                if document is not None:
                    issued.append(_Issued(connection, read_order(event.order), document))
            if inbox:
                await session.execute(insert(ProcessedEvent), inbox)
            await session.flush()  # documents and lines, batched
            await _after_insert(uow, issued, results)
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
    ) -> tuple[Outcome, Document | None]:
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
        document = await _new_document(connection, order, kind, numbers, now)
        uow.session.add(document)
        return Outcome("issued", kind.value), document


async def _processed(session: AsyncSession, event_ids: list[str]) -> set[str]:
    rows = await session.execute(
        select(ProcessedEvent.event_id).where(
            ProcessedEvent.consumer == CONSUMER, ProcessedEvent.event_id.in_(event_ids)
        )
    )
    return set(rows.scalars())


async def _connections(session: AsyncSession, ids: set[int]) -> dict[int, ShopConnection]:
    rows = await session.execute(select(ShopConnection).where(ShopConnection.id.in_(ids)))
    return {c.id: c for c in rows.scalars()}


async def _existing_documents(
    session: AsyncSession, events: list[OrderReceived]
) -> set[tuple[int, str, str]]:
    pairs = list({(e.connection_id, e.order_id) for e in events})
    rows = await session.execute(
        select(Document.connection_id, Document.order_ref, Document.kind).where(
            tuple_(Document.connection_id, Document.order_ref).in_(pairs)
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}


async def _new_document(
    connection: ShopConnection,
    order: Order,
    kind: DocumentKind,
    numbers: NumberAllocator,
    now: datetime,
) -> Document:
    draft = build_document(order, kind)
    prefix = series_of(connection, kind)
    as_draft = connection.orders_draft
    document = Document(
        account_id=connection.account_id,
        connection_id=connection.id,
        order_ref=order.order_id,
        order_status=order.status_id,
        kind=kind.value,
        draft=as_draft,
        series=prefix,
        buyer_name=order.buyer.name,
        buyer_tax_number=order.buyer.tax_number,
        buyer_kind=connection.orders_buyer_kind
        or ("business" if order.buyer.is_business else "private"),
        buyer_email=order.buyer.email,
        buyer_address={
            "country": order.buyer.country,
            "postcode": order.buyer.postcode,
            "city": order.buyer.city,
            "address": order.buyer.address,
        },
        currency=draft.currency,
        total_net=draft.total_net,
        total_vat=draft.total_vat,
        total_gross=draft.total_gross,
        created_at=now,
        email_status="not_requested",
        lines=[
            DocumentLine(
                position=n,
                line_kind=line.kind.value,
                name=line.name[:500],
                sku=line.sku[:100],
                quantity=line.quantity,
                unit_net_price=line.unit_net_price,
                vat_rate=line.vat_rate,
                net=line.net,
                vat=line.vat,
                gross=line.gross,
            )
            for n, line in enumerate(draft.lines, 1)
        ],
    )
    if not as_draft:
        document.number = await numbers.take(connection.account_id, numbering_kind(kind), prefix)
        document.document_number = format_number(prefix, document.number)
        document.issued_at = now
        if connection.orders_email and document.buyer_email:
            document.email_status = "requested"
    return document


async def _after_insert(
    uow: SqlAlchemyUnitOfWork, issued: list[_Issued], results: list[Outcome | PoisonEvent]
) -> None:
    """Outbox records, stock movements and SKU misses, now that documents have ids."""
    session = uow.session
    for item in issued:
        d = item.document
        uow.emit(
            DOCUMENTS_ISSUED,
            f"{d.connection_id}:{d.order_ref}",
            DocumentIssued(
                event_id=f"document:{d.id}:{'draft' if d.draft else 'final'}",
                document_id=d.id,
                account_id=d.account_id,
                connection_id=d.connection_id,
                order_ref=d.order_ref,
                kind=cast(DocumentKindName, d.kind),
                draft=d.draft,
                document_number=d.document_number,
                currency=d.currency,
                total_gross=d.total_gross,
                issued_at=d.issued_at or d.created_at,
            ),
        )
    stocked = [
        i
        for i in issued
        if i.connection.orders_stock_enabled and i.connection.orders_stock_warehouse_id
    ]
    if not stocked:
        _attach_ids(issued, results)
        return
    products = await _products(session, stocked)
    levels = await _levels(session, stocked, products)
    movements: list[tuple[StockMovement, str]] = []
    misses: dict[int, int] = {}
    for item in stocked:
        warehouse_id = item.connection.orders_stock_warehouse_id
        assert warehouse_id is not None
        for line in item.order.items:
            product = products.get((item.connection.account_id, line.sku))
            if product is None:
                session.add(
                    SkuMiss(
                        document_id=item.document.id,
                        connection_id=item.connection.id,
                        order_ref=item.order.order_id,
                        sku=line.sku or "(no SKU)",
                    )
                )
                misses[item.document.id] = misses.get(item.document.id, 0) + 1
                continue
            movement = StockMovement(
                account_id=item.connection.account_id,
                warehouse_id=warehouse_id,
                product_id=product,
                quantity=-line.quantity,
                reason="order",
                document_id=item.document.id,
                note=f"order {item.order.order_id}",
                created_at=item.document.created_at,
            )
            session.add(movement)
            movements.append((movement, line.sku))
            _adjust(session, levels, warehouse_id, product, -line.quantity)
    await session.flush()
    for movement, sku in movements:
        uow.emit(
            STOCK_MOVEMENTS,
            f"{movement.account_id}:{sku}",
            StockMoved(
                event_id=f"movement:{movement.id}",
                movement_id=movement.id,
                account_id=movement.account_id,
                warehouse_id=movement.warehouse_id,
                sku=sku,
                quantity=movement.quantity,
                reason="order",
                document_id=movement.document_id,
                created_at=movement.created_at,
            ),
        )
    _attach_ids(issued, results, misses)


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
                "issued", result.kind, item.document.id, (misses or {}).get(item.document.id, 0)
            )


async def _products(session: AsyncSession, stocked: list[_Issued]) -> dict[tuple[int, str], int]:
    wanted = {
        (i.connection.account_id, line.sku) for i in stocked for line in i.order.items if line.sku
    }
    if not wanted:
        return {}
    rows = await session.execute(
        select(Product.account_id, Product.sku, Product.id).where(
            tuple_(Product.account_id, Product.sku).in_(list(wanted))
        )
    )
    return {(r[0], r[1]): r[2] for r in rows}


async def _levels(
    session: AsyncSession, stocked: list[_Issued], products: dict[tuple[int, str], int]
) -> dict[tuple[int, int], StockLevel]:
    warehouses = {i.connection.orders_stock_warehouse_id for i in stocked}
    if not products:
        return {}
    rows = await session.execute(
        select(StockLevel)
        .where(
            StockLevel.warehouse_id.in_(warehouses),
            StockLevel.product_id.in_(set(products.values())),
        )
        .with_for_update()
    )
    return {(level.warehouse_id, level.product_id): level for level in rows.scalars()}


def _adjust(
    session: AsyncSession,
    levels: dict[tuple[int, int], StockLevel],
    warehouse_id: int,
    product_id: int,
    quantity: Decimal,
) -> None:
    level = levels.get((warehouse_id, product_id))
    if level is None:
        level = StockLevel(warehouse_id=warehouse_id, product_id=product_id, quantity=quantity)
        session.add(level)
        levels[(warehouse_id, product_id)] = level
    else:
        level.quantity += quantity
