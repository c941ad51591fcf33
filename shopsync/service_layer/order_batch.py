"""One batch of order events on its way through the lifecycle: what each event came to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shopsync.adapters.db.decision_batch import main_document
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.exchange_rates import DayRates, issue_rate
from shopsync.domain.order_actions import Decision
from shopsync.domain.order_lifecycle import StatusReported, decide
from shopsync.domain.order_reading import OrderRejected, read_order
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import OrderState
from shopsync.domain.orders import Order
from shopsync.service_layer.ports import Applied, Hold, OrderKey, OrderStore, Planned, ShopIntake


class PoisonEvent(Exception):
    """An event that can never be handled as it is: it goes to the dead letters."""


@dataclass(frozen=True)
class Outcome:
    result: str  # a domain Result value, "held", or "duplicate" (seen by the inbox before)
    kind: str = "none"
    document_id: int | None = None
    skus_not_found: int = 0
    note: str = ""
    held_field: str = ""  # of a held order: the field at fault (totalGross: it did not add up)


@dataclass
class _Item:
    position: int
    event: OrderReceived
    intake: ShopIntake
    order: Order
    planned: Planned | None = None

    @property
    def key(self) -> OrderKey:
        return (self.intake.connection_id, self.event.order_id)

    @property
    def rules(self) -> OrderRules:
        return self.intake.rules


@dataclass
class OrderBatch:
    """Events of one transaction: claimed, read, decided in order; results by position."""

    results: list[Outcome | PoisonEvent]
    items: list[_Item] = field(default_factory=list)
    held: list[Hold] = field(default_factory=list)
    stored: set[OrderKey] = field(default_factory=set)
    changed: dict[OrderKey, OrderState] = field(default_factory=dict)

    @classmethod
    async def claim(
        cls, store: OrderStore, consumer: str, events: list[OrderReceived]
    ) -> OrderBatch:
        """Connections, the inbox claim, and each event read (or held, or refused)."""
        intakes = await store.intakes({e.connection_id for e in events})
        owned = {e.event_id for e in events if _owner(e, intakes) is not None}
        fresh = await store.claim(consumer, owned)
        batch = cls([])
        for event in events:
            batch.admit(event, _owner(event, intakes), fresh)
        return batch

    def admit(self, event: OrderReceived, intake: ShopIntake | None, fresh: set[str]) -> None:
        """Refuse an event of no known connection, skip a duplicate, read any other."""
        if intake is None:
            self.results.append(PoisonEvent(f"unknown connection {event.connection_id}"))
        elif event.event_id not in fresh:
            self.results.append(Outcome("duplicate"))
        else:
            fresh.discard(event.event_id)  # a second copy in this batch is a duplicate
            self.read(event, intake)

    def read(self, event: OrderReceived, intake: ShopIntake) -> None:
        position = len(self.results)
        self.results.append(Outcome("pending"))
        try:
            order = _accepted(read_order(event.order, intake.rules.vat_rates), event)
        except OrderRejected as rejected:
            self.hold(position, Hold(intake.connection_id, event, rejected))
            return
        self.items.append(_Item(position, event, intake, order))

    def hold(self, position: int, hold: Hold) -> None:
        self.held.append(hold)
        self.results[position] = Outcome("held", note=str(hold.why), held_field=hold.why.field)

    async def decide(self, store: OrderStore, rates: DayRates | None = None) -> None:
        """Every event's decision in order, each against the state the one before it left.

        `rates`: the issue day's exchange rates; an order whose document needs one that is
        missing is held, waiting for it.
        """
        live = [i for i in self.items if i.rules.intake]
        states = await store.states({i.key for i in live})
        self.stored = set(states)
        catalogs = await store.catalogs(_skus(live))
        for item in self.items:
            self._decide(item, states, catalogs.get(item.intake.account_id), rates)

    def _decide(
        self,
        item: _Item,
        states: dict[OrderKey, OrderState],
        catalog: dict[str, int] | None,
        rates: DayRates | None,
    ) -> None:
        state = states.get(item.key, OrderState())
        report = StatusReported(item.event.status_id, item.order.status_at, item.order)
        try:
            decision = decide(state, item.rules, report, catalog)
            rate = issue_rate(item.order.currency, decision, rates)
        except OrderRejected as rejected:
            self.hold(item.position, Hold(item.intake.connection_id, item.event, rejected))
            return
        if decision.state != state:
            states[item.key] = self.changed[item.key] = decision.state
        item.planned = Planned(item.intake.account_id, *item.key, decision, rate)

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


def _accepted(order: Order, event: OrderReceived) -> Order:
    """The order with the difference from its total an operator accepted on release, if any."""
    if event.accepted_difference is None:
        return order
    return replace(order, accepted_difference=event.accepted_difference)


def _skus(items: list[_Item]) -> set[tuple[int, str]]:
    return {
        (i.intake.account_id, line.sku)
        for i in items
        if i.rules.stock is not None
        for line in i.order.items
        if line.sku
    }


def _owner(event: OrderReceived, intakes: dict[int, ShopIntake]) -> ShopIntake | None:
    intake = intakes.get(event.connection_id)
    if intake is None or intake.account_id != event.account_id:
        return None
    return intake


def _outcome(decision: Decision, applied: Applied | None) -> Outcome:
    main = main_document(decision.actions)
    return Outcome(
        decision.result.value,
        "none" if main is None else main.kind.value,
        None if applied is None else applied.document_id,
        0 if applied is None else applied.skus_not_found,
        decision.note,
    )
