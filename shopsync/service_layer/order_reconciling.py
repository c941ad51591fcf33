"""The use case "reconcile a shop's orders": publish what lost webhooks would have carried.

Shoprenter sends a webhook once and never retries; a gateway or broker that was down, or
an embedded broker that restarted, loses it. A pass reads the orders changed since the
connection's mark (shopsync.domain.order_reconciling) and publishes each order's current
status as the same OrderReceived event its webhook gives (same key, same event id), so the
order processor's inbox takes a status once, whichever arrives first. Events the inbox
already holds are not sent again. The mark moves only after a page is on the broker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.reconcile_marks import save_mark
from shopsync.adapters.kafka.contracts import ContractViolation, encode
from shopsync.adapters.kafka.order_events import event_key, order_event
from shopsync.adapters.kafka.topics import ORDER_EVENTS
from shopsync.adapters.shoprenter.order_reads import OrderPage
from shopsync.domain import order_reconciling as marks
from shopsync.domain.order_reconciling import ReconcileMark
from shopsync.service_layer.order_intake import CONSUMER
from shopsync.service_layer.shops import require_connection

Message = tuple[str, bytes, bytes]
log = logging.getLogger(__name__)


class ShopOrders(Protocol):
    """A shop's orders changed since a moment, page by page (`HttpShopOrders`)."""

    async def changed_page(self, since: datetime, page: int) -> OrderPage: ...


class ReconcileStore(Protocol):
    """Where marks are kept, and what the order processor's inbox holds."""

    async def mark(self, connection_id: int) -> ReconcileMark | None: ...

    async def save(self, connection_id: int, mark: ReconcileMark) -> None: ...

    async def handled(self, consumer: str, event_ids: set[str]) -> set[str]: ...


class MessageSender(Protocol):
    """The broker: returns once every message is acknowledged (`LazyProducer`)."""

    async def send_many(self, messages: Sequence[Message]) -> None: ...


@dataclass(frozen=True)
class ShopRef:
    """The connection reconciled, and the earliest change its reconciliation reads (None: now)."""

    connection_id: int
    account_id: int
    since: datetime | None = None


@dataclass
class ReconcileRun:
    """What one pass did: pages read, orders seen, and those published (not handled yet)."""

    pages: int = 0
    seen: int = 0
    published: int = 0
    mark: ReconcileMark | None = None


@dataclass
class OrderReconciler:
    store: ReconcileStore
    sender: MessageSender
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    async def run(self, shop: ShopRef, orders: ShopOrders) -> ReconcileRun:
        """One pass (or the rest of one a restart interrupted), page by page to its end."""
        mark = await self._mark(shop)
        mark = marks.start_pass(mark, self.clock(), shop.since)
        await self.store.save(shop.connection_id, mark)
        run = ReconcileRun()
        while True:
            page = await orders.changed_page(marks.window_start(mark), mark.next_page)
            await self._publish(shop, page.orders, run)
            done = not page.has_next
            mark = marks.pass_finished(mark) if done else marks.page_published(mark)
            await self.store.save(shop.connection_id, mark)
            if done:
                run.mark = mark
                return run

    async def _mark(self, shop: ShopRef) -> ReconcileMark:
        """The stored mark; a connection without one is reconciled from `since` (else now)."""
        stored = await self.store.mark(shop.connection_id)
        return stored or ReconcileMark(shop.since or self.clock())

    async def _publish(
        self, shop: ShopRef, orders: list[dict[str, Any]], run: ReconcileRun
    ) -> None:
        """The page's orders whose current status the order processor has not handled yet."""
        events = self._events(shop, orders)
        handled = await self.store.handled(CONSUMER, set(events))
        fresh = [message for event_id, message in events.items() if event_id not in handled]
        await self.sender.send_many(fresh)
        run.pages += 1
        run.seen += len(orders)
        run.published += len(fresh)

    def _events(self, shop: ShopRef, orders: list[dict[str, Any]]) -> dict[str, Message]:
        """Each order's message by event id (a page may list an order twice)."""
        now = self.clock()
        built = (_message(shop, order, now) for order in orders)
        return {event_id: message for event_id, message in built if event_id}


def _message(shop: ShopRef, order: dict[str, Any], now: datetime) -> tuple[str, Message]:
    """The order's event id and message; ("", …) for one without a status, or one no event
    can carry (it is logged: the gateway would refuse its webhook too)."""
    try:
        event = order_event(shop.connection_id, shop.account_id, order, "json", now)
        value = encode(event)
    except (ValidationError, ContractViolation) as exc:
        log.warning(
            "order %r of connection %s cannot be published: %s",
            order.get("innerId"),
            shop.connection_id,
            exc,
        )
        return "", (ORDER_EVENTS, b"", b"")
    return (event.event_id if event.status_id else ""), (ORDER_EVENTS, event_key(event), value)


async def backfill(
    session: AsyncSession, name: str, since: datetime, account: str | None = None
) -> dict[str, Any]:
    """Reconcile the connection again from `since` (its mark set back): the next pass reads
    every change after it, and the order processor's inbox skips what it has handled."""
    connection = await require_connection(session, name, account)
    connection.orders_reconcile_from = since
    await save_mark(session, connection.id, ReconcileMark(since))
    return {"connection": name, "reconcile_from": since.isoformat()}
