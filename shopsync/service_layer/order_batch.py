"""One batch of order events on its way through the lifecycle: what each event came to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.held_orders import held_row
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.order_reads import claim_events, connections_by_id, products_by_sku
from shopsync.adapters.db.order_states import OrderKey, load_states
from shopsync.adapters.db.order_writer import Applied, Planned
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.order_actions import Decision, IssueDocument, IssueStorno, NumberDocument
from shopsync.domain.order_lifecycle import StatusReported, decide
from shopsync.domain.order_reading import OrderRejected, read_order
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import OrderState
from shopsync.domain.orders import Order


class PoisonEvent(Exception):
    """An event that can never be handled as it is: it goes to the dead letters."""


@dataclass(frozen=True)
class Outcome:
    result: str  # a domain Result value, "held", or "duplicate" (seen by the inbox before)
    kind: str = "none"
    document_id: int | None = None
    skus_not_found: int = 0
    note: str = ""


@dataclass
class _Item:
    position: int
    event: OrderReceived
    connection: ShopConnection
    rules: OrderRules
    order: Order
    planned: Planned | None = None

    @property
    def key(self) -> OrderKey:
        return (self.connection.id, self.event.order_id)


@dataclass
class OrderBatch:
    """Events of one transaction: claimed, read, decided in order; results by position."""

    results: list[Outcome | PoisonEvent]
    items: list[_Item] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)
    stored: set[OrderKey] = field(default_factory=set)
    changed: dict[OrderKey, OrderState] = field(default_factory=dict)

    @classmethod
    async def claim(
        cls, session: AsyncSession, consumer: str, events: list[OrderReceived]
    ) -> OrderBatch:
        """Connections, the inbox claim, and each event read (or held, or refused)."""
        connections = await connections_by_id(session, {e.connection_id for e in events})
        owned = {e.event_id for e in events if _owner(e, connections) is not None}
        fresh = await claim_events(session, consumer, owned)
        rules = {c.id: rules_of(c) for c in connections.values()}
        batch = cls([])
        for event in events:
            connection = _owner(event, connections)
            if connection is None:
                batch.results.append(PoisonEvent(f"unknown connection {event.connection_id}"))
            elif event.event_id not in fresh:
                batch.results.append(Outcome("duplicate"))
            else:
                fresh.discard(event.event_id)  # a second copy in this batch is a duplicate
                batch.read(event, connection, rules[connection.id])
        return batch

    def read(self, event: OrderReceived, connection: ShopConnection, rules: OrderRules) -> None:
        position = len(self.results)
        self.results.append(Outcome("pending"))
        try:
            order = read_order(event.order, rules.vat_rates)
        except OrderRejected as rejected:
            self.hold(position, event, connection, rejected)
            return
        self.items.append(_Item(position, event, connection, rules, order))

    def hold(
        self, position: int, event: OrderReceived, connection: ShopConnection, why: OrderRejected
    ) -> None:
        self.held.append(held_row(connection.id, event, why))
        self.results[position] = Outcome("held", note=str(why))

    async def decide(self, session: AsyncSession) -> None:
        """Every event's decision in order, each against the state the one before it left."""
        live = [i for i in self.items if i.rules.intake]
        states = await load_states(session, {i.key for i in live})
        self.stored = set(states)
        catalogs = await products_by_sku(session, _skus(live))
        for item in self.items:
            state = states.get(item.key, OrderState())
            report = StatusReported(item.event.status_id, item.order.status_at, item.order)
            try:
                decision = decide(
                    state, item.rules, report, catalogs.get(item.connection.account_id)
                )
            except OrderRejected as rejected:
                self.hold(item.position, item.event, item.connection, rejected)
                continue
            if decision.state != state:
                states[item.key] = self.changed[item.key] = decision.state
            item.planned = Planned(item.connection.account_id, *item.key, decision)

    @property
    def acting(self) -> list[Planned]:
        return [i.planned for i in self.items if i.planned and i.planned.decision.changed]

    def settle(self, applied: list[Applied]) -> list[Outcome | PoisonEvent]:
        """The results, with what the writer did for each acting decision."""
        done = iter(applied)
        for item in self.items:
            if item.planned is not None:
                decision = item.planned.decision
                self.results[item.position] = _outcome(
                    decision, next(done) if decision.changed else None
                )
        return self.results


def _skus(items: list[_Item]) -> set[tuple[int, str]]:
    return {
        (i.connection.account_id, line.sku)
        for i in items
        if i.rules.stock is not None
        for line in i.order.items
        if line.sku
    }


def _owner(event: OrderReceived, connections: dict[int, ShopConnection]) -> ShopConnection | None:
    connection = connections.get(event.connection_id)
    if connection is None or connection.account_id != event.account_id:
        return None
    return connection


def _outcome(decision: Decision, applied: Applied | None) -> Outcome:
    kinds = IssueDocument | IssueStorno | NumberDocument
    main = next((a.ref for a in decision.actions if isinstance(a, kinds)), None)
    return Outcome(
        decision.result.value,
        "none" if main is None else main.kind.value,
        None if applied is None else applied.document_id,
        0 if applied is None else applied.skus_not_found,
        decision.note,
    )
