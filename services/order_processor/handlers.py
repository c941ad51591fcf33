"""Handling one order event: inbox check, document, stock movements and outbox, in one commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.decisions import IntakeRules, kind_for_status
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
from shopsync.domain.documents import DocumentDraft, DocumentKind, Line, build_document
from shopsync.domain.orders import Order, read_order
from shopsync.events import DocumentIssued, OrderReceived, StockMoved
from shopsync.kafka.topics import DOCUMENTS_ISSUED, STOCK_MOVEMENTS
from shopsync.numbering import format_number, take_number

log = logging.getLogger(__name__)
CONSUMER = "order-processor"


class PoisonEvent(Exception):
    """An event that can never be handled as it is: it goes to the dead-letter topic."""


@dataclass(frozen=True)
class Outcome:
    result: str  # issued | duplicate | skipped
    kind: str = "none"
    document_id: int | None = None


class OrderEventHandler:
    """Turns OrderReceived into at most one document per (connection, order, kind)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def handle(self, event: OrderReceived) -> Outcome:
        try:
            return await self._handle(event)
        except IntegrityError:
            if not await self._already_handled(event):
                raise
            # A concurrent or replayed copy committed first: the unique keys held.
            log.info("event %s already handled (unique key)", event.event_id)
            return Outcome("duplicate")

    async def _already_handled(self, event: OrderReceived) -> bool:
        async with self._sessions() as session:
            return (
                await session.get(ProcessedEvent, (CONSUMER, event.event_id)) is not None
                or (
                    await session.execute(
                        select(Document.id).where(
                            Document.connection_id == event.connection_id,
                            Document.order_ref == event.order_id,
                        )
                    )
                ).first()
                is not None
            )

    async def _handle(self, event: OrderReceived) -> Outcome:
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            session = uow.session
            if await session.get(ProcessedEvent, (CONSUMER, event.event_id)) is not None:
                return Outcome("duplicate")
            session.add(ProcessedEvent(consumer=CONSUMER, event_id=event.event_id))
            connection = await session.get(ShopConnection, event.connection_id)
            if connection is None or connection.account_id != event.account_id:
                raise PoisonEvent(f"unknown connection {event.connection_id}")
            outcome = await self._decide_and_issue(uow, connection, event)
            await uow.commit()
            return outcome

    async def _decide_and_issue(
        self, uow: SqlAlchemyUnitOfWork, connection: ShopConnection, event: OrderReceived
    ) -> Outcome:
        if not (connection.enabled and connection.orders_enabled):
            return Outcome("skipped")
        rules = IntakeRules(
            connection.orders_auto_accept,
            connection.orders_status_rules or {},
            connection.orders_default_kind,
        )
        kind = kind_for_status(rules, event.status_id)
        if kind is None:
            return Outcome("skipped")
        if await _existing(uow.session, connection.id, event.order_id, kind) is not None:
            return Outcome("duplicate", kind.value)
        order = read_order(event.order)
        document = await _issue(uow, connection, event, order, build_document(order, kind))
        if connection.orders_stock_enabled and connection.orders_stock_warehouse_id:
            await _move_stock(uow, connection, document, order)
        return Outcome("issued", kind.value, document.id)


async def _existing(
    session: AsyncSession, connection_id: int, order_id: str, kind: DocumentKind
) -> Document | None:
    query = select(Document).where(
        Document.connection_id == connection_id,
        Document.order_ref == order_id,
        Document.kind == kind.value,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _issue(
    uow: SqlAlchemyUnitOfWork,
    connection: ShopConnection,
    event: OrderReceived,
    order: Order,
    draft: DocumentDraft,
) -> Document:
    session = uow.session
    prefix = connection.invoice_series if draft.kind == "invoice" else connection.proforma_series
    now = datetime.now(UTC)
    document = Document(
        account_id=connection.account_id,
        connection_id=connection.id,
        order_ref=order.order_id,
        order_status=order.status_id,
        kind=draft.kind.value,
        draft=connection.orders_draft,
        series=prefix,
        buyer_name=order.buyer.name,
        buyer_tax_number=order.buyer.tax_number,
        buyer_kind=_buyer_kind(connection, order),
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
        email_status="requested"
        if connection.orders_email and not connection.orders_draft
        else "not_requested",
    )
    if not connection.orders_draft:
        document.number = await take_number(session, connection.account_id, draft.kind, prefix)
        document.document_number = format_number(prefix, document.number)
        document.issued_at = now
    document.lines = [_line(position, line) for position, line in enumerate(draft.lines, 1)]
    session.add(document)
    await session.flush()
    uow.emit(
        DOCUMENTS_ISSUED,
        f"{connection.id}:{order.order_id}",
        DocumentIssued(
            event_id=f"document:{document.id}",
            document_id=document.id,
            account_id=connection.account_id,
            connection_id=connection.id,
            order_ref=order.order_id,
            kind=draft.kind.value,
            draft=document.draft,
            document_number=document.document_number,
            currency=draft.currency,
            total_gross=draft.total_gross,
            issued_at=now,
        ),
    )
    return document


def _buyer_kind(connection: ShopConnection, order: Order) -> str:
    if connection.orders_buyer_kind:
        return connection.orders_buyer_kind
    return "business" if order.buyer.is_business else "private"


def _line(position: int, line: Line) -> DocumentLine:
    return DocumentLine(
        position=position,
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


async def _move_stock(
    uow: SqlAlchemyUnitOfWork, connection: ShopConnection, document: Document, order: Order
) -> None:
    session = uow.session
    warehouse_id = connection.orders_stock_warehouse_id
    assert warehouse_id is not None
    skus = {item.sku for item in order.items if item.sku}
    products = (
        {
            p.sku: p
            for p in (
                await session.execute(
                    select(Product).where(
                        Product.account_id == connection.account_id, Product.sku.in_(skus)
                    )
                )
            ).scalars()
        }
        if skus
        else {}
    )
    for item in order.items:
        product = products.get(item.sku)
        if product is None:
            session.add(
                SkuMiss(
                    document_id=document.id,
                    connection_id=connection.id,
                    order_ref=order.order_id,
                    sku=item.sku or "(no SKU)",
                )
            )
            continue
        movement = StockMovement(
            account_id=connection.account_id,
            warehouse_id=warehouse_id,
            product_id=product.id,
            quantity=-item.quantity,
            reason="order",
            document_id=document.id,
            note=f"order {order.order_id}",
            created_at=datetime.now(UTC),
        )
        session.add(movement)
        level = await session.get(StockLevel, (warehouse_id, product.id))
        if level is None:
            session.add(
                StockLevel(
                    warehouse_id=warehouse_id, product_id=product.id, quantity=-item.quantity
                )
            )
        else:
            level.quantity -= item.quantity
        await session.flush()
        uow.emit(
            STOCK_MOVEMENTS,
            f"{connection.account_id}:{item.sku}",
            StockMoved(
                event_id=f"movement:{movement.id}",
                movement_id=movement.id,
                account_id=connection.account_id,
                warehouse_id=warehouse_id,
                sku=item.sku,
                quantity=Decimal(-item.quantity),
                reason="order",
                document_id=document.id,
                created_at=movement.created_at,
            ),
        )
