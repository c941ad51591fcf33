"""The use case "order events arrive": each decided by the order lifecycle, all in one commit.

A batch reads the inbox, the connections, the orders' states and the SKUs it needs once,
decides its events in order against states held in memory (so a cancellation sees the
invoice issued earlier in the same batch), then writes what was decided in bulk. One event
alone is a batch of one: there is no second path where a rule could be written again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.budapest import budapest_day
from shopsync.domain.exchange_rates import HOME_CURRENCY, DayRates
from shopsync.service_layer.order_batch import OrderBatch, Outcome, PoisonEvent
from shopsync.service_layer.ports import Conflict, ExchangeRates, Outage, UnitOfWork

__all__ = ["CONSUMER", "OrderIntake", "Outage", "Outcome", "PoisonEvent"]

log = logging.getLogger(__name__)
CONSUMER = "order-processor"
#: How often one event is tried again after a conflict with another worker before it counts
#: as poison.
CONFLICT_RETRIES = 4


class OrderIntake:
    """Order events → documents, stock and outbox records, idempotently, in one transaction."""

    def __init__(
        self,
        units_of_work: Callable[[], UnitOfWork],
        rates: ExchangeRates | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`rates`: where foreign-currency documents get the issue day's rate (None: not kept)."""
        self._units_of_work = units_of_work
        self._rates = rates
        self._clock = clock

    async def handle(self, event: OrderReceived) -> Outcome:
        """One event (a batch of one); PoisonEvent when it can never be handled."""
        result = (await self.handle_batch([event]))[0]
        if isinstance(result, PoisonEvent):
            raise result
        return result

    async def handle_batch(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        """A batch in one commit; a failing batch is halved until the event at fault is alone.

        Only that event becomes a PoisonEvent, with its own reason; every other one is
        handled. An outage raises Outage instead: no event is at fault, all must wait.
        """
        try:
            return await self._batch(events)
        except Outage:
            raise
        except Exception as exc:
            if len(events) == 1:
                return [await self._alone(events[0], exc)]
            log.warning("batch of %d failed (%r): splitting it", len(events), exc)
            half = len(events) // 2
            return await self.handle_batch(events[:half]) + await self.handle_batch(events[half:])

    async def _alone(self, event: OrderReceived, exc: Exception) -> Outcome | PoisonEvent:
        """One event that failed: a conflict is tried again, anything else is its fault."""
        for attempt in range(CONFLICT_RETRIES):
            if not isinstance(exc, Conflict):
                break
            await asyncio.sleep(0.05 * 2**attempt)
            try:
                return (await self._batch([event]))[0]
            except Outage:
                raise
            except Exception as again:
                exc = again
        log.error("event %s cannot be handled: %r", event.event_id, exc)
        return PoisonEvent(_reason(exc))

    async def _batch(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        now = self._clock()
        rates = await self._rates_on(now, events)  # before the transaction: it may ask MNB
        async with self._units_of_work() as uow:
            batch = await OrderBatch.claim(uow.orders, CONSUMER, events)
            await batch.decide(uow.orders, rates)
            applied = await uow.orders.apply(batch.acting, now)
            await uow.orders.hold(batch.held)
            await uow.orders.save_states(batch.changed, batch.stored)
            await uow.commit()
        return batch.settle(applied)

    async def _rates_on(self, now: datetime, events: list[OrderReceived]) -> DayRates | None:
        """The issue day's rates of the batch's foreign currencies (None: rates not kept)."""
        if self._rates is None:
            return None
        currencies = {_currency(e) for e in events} - {HOME_CURRENCY}
        return await self._rates.on_day(budapest_day(now), currencies)


def _currency(event: OrderReceived) -> str:
    """The order's currency as the order reader will take it (it refuses a bad one itself)."""
    return str(event.order.get("currency") or HOME_CURRENCY).strip().upper()[:3]


def _reason(exc: Exception) -> str:
    """What a dead letter says of the failure (a Conflict says its cause already)."""
    said = str(exc) if isinstance(exc, Conflict) else f"{type(exc).__name__}: {exc}"
    return said[:2000]
