"""Handling one order event: inbox check, document, stock movements and outbox, in one commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.decisions import IntakeRules, kind_for_status
from shopsync.db.models import Document, ProcessedEvent, ShopConnection
from shopsync.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.documents import DocumentKind, build_document
from shopsync.domain.orders import Order, read_order
from shopsync.events import OrderReceived
from shopsync.issuing import cancel, issue, move_stock_for_order

log = logging.getLogger(__name__)
CONSUMER = "order-processor"


class PoisonEvent(Exception):
    """An event that can never be handled as it is: it goes to the dead-letter topic."""


@dataclass(frozen=True)
class Outcome:
    result: str  # issued | duplicate | skipped
    kind: str = "none"
    document_id: int | None = None
    skus_not_found: int = 0


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
        order = read_order(event.order)
        if event.status_id in (connection.orders_cancel_status_ids or []):
            return await self._cancel(uow, connection, order)
        kind = kind_for_status(rules, event.status_id)
        if kind is None:
            return Outcome("skipped")
        if await _existing(uow.session, connection.id, event.order_id, kind) is not None:
            return Outcome("duplicate", kind.value)
        document = await issue(
            uow, connection, order, build_document(order, kind), as_draft=connection.orders_draft
        )
        misses = 0
        if connection.orders_stock_enabled and connection.orders_stock_warehouse_id:
            misses = await move_stock_for_order(uow, connection, document, order)
        return Outcome("issued", kind.value, document.id, misses)

    async def cancel_in(
        self, uow: SqlAlchemyUnitOfWork, connection: ShopConnection, order: Order
    ) -> Outcome:
        """The cancellation rule inside a caller's unit of work (the batch handler's)."""
        return await self._cancel(uow, connection, order)

    async def _cancel(
        self, uow: SqlAlchemyUnitOfWork, connection: ShopConnection, order: Order
    ) -> Outcome:
        if connection.orders_cancel_action != "storno":
            return Outcome("skipped")
        if (
            await _existing(uow.session, connection.id, order.order_id, DocumentKind.STORNO)
            is not None
        ):
            return Outcome("duplicate", "storno")
        storno = await cancel(uow, connection, order)
        if storno is None:
            return Outcome("skipped", "storno")
        return Outcome("issued", "storno", storno.id)


async def _existing(
    session: AsyncSession, connection_id: int, order_id: str, kind: DocumentKind
) -> Document | None:
    query = select(Document).where(
        Document.connection_id == connection_id,
        Document.order_ref == order_id,
        Document.kind == kind.value,
    )
    return (await session.execute(query)).scalar_one_or_none()
