"""The use case "order events arrive": each decided by the order lifecycle, all in one commit.

A batch reads the inbox, the connections, the orders' states and the SKUs it needs once,
decides its events in order against states held in memory (so a cancellation sees the
invoice issued earlier in the same batch), then writes what was decided in bulk. One event
alone is a batch of one: there is no second path where a rule could be written again.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.bulk import custom_plans
from shopsync.adapters.db.failures import is_conflict, is_outage
from shopsync.adapters.db.held_orders import keep_held
from shopsync.adapters.db.order_states import save_states
from shopsync.adapters.db.order_writer import OrderDecisionWriter
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.service_layer.order_batch import OrderBatch, Outcome, PoisonEvent

__all__ = ["CONSUMER", "OrderIntake", "Outage", "Outcome", "PoisonEvent"]

log = logging.getLogger(__name__)
CONSUMER = "order-processor"
#: How often one event is tried again after a conflict with another worker before it counts
#: as poison.
CONFLICT_RETRIES = 4


class Outage(Exception):
    """The database cannot be reached or used: nobody's fault, the work must wait."""


class OrderIntake:
    """Order events → documents, stock and outbox records, idempotently, in one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

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
        except Exception as exc:
            if is_outage(exc):
                raise Outage(f"{type(exc).__name__}: {exc}"[:500]) from exc
            if len(events) == 1:
                return [await self._alone(events[0], exc)]
            log.warning("batch of %d failed (%r): splitting it", len(events), exc)
            half = len(events) // 2
            return await self.handle_batch(events[:half]) + await self.handle_batch(events[half:])

    async def _alone(self, event: OrderReceived, exc: Exception) -> Outcome | PoisonEvent:
        """One event that failed: a conflict is tried again, anything else is its fault."""
        for attempt in range(CONFLICT_RETRIES):
            if not is_conflict(exc):
                break
            await asyncio.sleep(0.05 * 2**attempt)
            try:
                return (await self._batch([event]))[0]
            except Exception as again:
                if is_outage(again):
                    raise Outage(f"{type(again).__name__}: {again}"[:500]) from again
                exc = again
        log.error("event %s cannot be handled: %r", event.event_id, exc)
        return PoisonEvent(f"{type(exc).__name__}: {exc}"[:2000])

    async def _batch(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            session = uow.session
            batch = await OrderBatch.claim(session, CONSUMER, events)
            # Reads first, planned for their actual keys (see custom_plans); writes after.
            async with custom_plans(session):
                await batch.decide(session)
                writer = OrderDecisionWriter(session)
                await writer.prepare(batch.acting)
            applied = await writer.write(batch.acting)
            await keep_held(session, batch.held)
            await save_states(session, batch.changed, batch.stored)
            await uow.commit()
        return batch.settle(applied)
