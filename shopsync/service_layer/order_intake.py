"""The use case "order events arrive": each decided by the order lifecycle, all in one commit.

A batch reads the inbox, the connections, the orders' states and the SKUs it needs once,
decides its events in order against states held in memory (so a cancellation sees the
invoice issued earlier in the same batch), then writes what was decided in bulk. One event
alone is a batch of one: there is no second path where a rule could be written again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.db.bulk import custom_plans
from shopsync.db.connection_rules import rules_of
from shopsync.db.failures import is_conflict, is_outage
from shopsync.db.models import ShopConnection
from shopsync.db.order_reads import claim_events, connections_by_id, products_by_sku
from shopsync.db.order_states import OrderKey, load_states, save_states
from shopsync.db.order_writer import Applied, OrderDecisionWriter, Planned
from shopsync.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.order_actions import Decision, IssueDocument, IssueStorno, NumberDocument
from shopsync.domain.order_lifecycle import StatusReported, decide
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import OrderState
from shopsync.domain.orders import Order, read_order
from shopsync.events import OrderReceived

log = logging.getLogger(__name__)
CONSUMER = "order-processor"


#: How often one event is tried again after a conflict with another worker before it counts
#: as poison.
CONFLICT_RETRIES = 4


class PoisonEvent(Exception):
    """An event that can never be handled as it is: it goes to the dead-letter topic."""


class Outage(Exception):
    """The database cannot be reached or used: nobody's fault, the work must wait."""


@dataclass(frozen=True)
class Outcome:
    result: str  # a domain Result value, or "duplicate" (seen by the inbox before)
    kind: str = "none"
    document_id: int | None = None
    skus_not_found: int = 0
    note: str = ""


@dataclass
class _Event:
    event: OrderReceived
    connection: ShopConnection
    rules: OrderRules
    order: Order

    @property
    def key(self) -> OrderKey:
        return (self.connection.id, self.event.order_id)


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
            connections = await connections_by_id(session, {e.connection_id for e in events})
            owned = {e.event_id for e in events if _owner(e, connections) is not None}
            fresh = await claim_events(session, CONSUMER, owned)
            rules = {c.id: rules_of(c) for c in connections.values()}
            results: list[Outcome | PoisonEvent] = []
            todo: list[tuple[int, _Event]] = []
            for event in events:
                connection = _owner(event, connections)
                if connection is None:
                    results.append(PoisonEvent(f"unknown connection {event.connection_id}"))
                elif event.event_id not in fresh:
                    results.append(Outcome("duplicate"))
                else:
                    fresh.discard(event.event_id)  # a second copy in this batch is a duplicate
                    item = _Event(event, connection, rules[connection.id], read_order(event.order))
                    todo.append((len(results), item))
                    results.append(Outcome("pending"))
            async with custom_plans(session):
                planned, stored, states = await _decide(session, [i for _, i in todo])
                acting = [p for p in planned if p.decision.changed]
                writer = OrderDecisionWriter(session)
                await writer.prepare(acting)
            applied = iter(await writer.write(acting))
            await save_states(session, states, stored)
            await uow.commit()
        for (position, _), decided in zip(todo, planned, strict=True):
            done = next(applied) if decided.decision.changed else None
            results[position] = _outcome(decided.decision, done)
        return results


async def _decide(
    session: AsyncSession, items: list[_Event]
) -> tuple[list[Planned], set[OrderKey], dict[OrderKey, OrderState]]:
    """Every event's decision in order, each against the state the one before it left."""
    live = [i for i in items if i.rules.intake]
    stored = await load_states(session, {i.key for i in live})
    catalogs = await products_by_sku(
        session,
        {
            (i.connection.account_id, line.sku)
            for i in live
            if i.rules.stock is not None
            for line in i.order.items
            if line.sku
        },
    )
    states = dict(stored)
    changed: dict[OrderKey, OrderState] = {}
    decided: list[Planned] = []
    for item in items:
        state = states.get(item.key, OrderState())
        report = StatusReported(item.event.status_id, item.order.status_at, item.order)
        decision = decide(state, item.rules, report, catalogs.get(item.connection.account_id))
        if decision.state != state:
            states[item.key] = decision.state
            changed[item.key] = decision.state
        account = item.connection.account_id
        decided.append(Planned(account, item.key[0], item.key[1], decision))
    return decided, set(stored), changed


def _owner(event: OrderReceived, connections: dict[int, ShopConnection]) -> ShopConnection | None:
    connection = connections.get(event.connection_id)
    if connection is None or connection.account_id != event.account_id:
        return None
    return connection


def _outcome(decision: Decision, applied: Applied | None) -> Outcome:
    main = next(
        (
            a.ref
            for a in decision.actions
            if isinstance(a, IssueDocument | IssueStorno | NumberDocument)
        ),
        None,
    )
    return Outcome(
        decision.result.value,
        "none" if main is None else main.kind.value,
        None if applied is None else applied.document_id,
        0 if applied is None else applied.skus_not_found,
        decision.note,
    )
