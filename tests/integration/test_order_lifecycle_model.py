"""Model-based property: random shops, rules and status sequences, one by one and in batches.

Every example runs the same events (with cancellations, re-activations, redeliveries and stale
ones) (a) one event at a time and (b) through the batch path split into random batches, each
on a connection of its own, against the real database. Both must leave the same documents,
numbers, stock levels and outbox records, and both must equal the small reference model
below, written independently of `shopsync.domain`. Invariants are checked after every step.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import (
    Document,
    OutboxMessage,
    Product,
    StockLevel,
    StockMovement,
)
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.adapters.kafka.topics import DOCUMENTS_ISSUED, DOCUMENTS_VOIDED, STOCK_MOVEMENTS
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.order_intake import OrderIntake, Outcome, PoisonEvent
from tests.support import SAMPLE_WEBHOOK, shop_connection, stocked_warehouse, unique

pytestmark = pytest.mark.integration
KNOWN = ("K1", "K2")  # products of the account; "U1" is not
START = Decimal(100)
CANCEL = "7"
T0 = datetime(2026, 3, 1, 9, 0)


@dataclass(frozen=True)
class Scenario:
    status_rules: dict[str, str]
    default_kind: str | None
    cancel_action: str
    draft: bool
    stock: bool
    stock_on: str
    lines: dict[str, tuple[tuple[str, int], ...]]  # order → (sku, quantity)
    events: tuple[tuple[str, str, int], ...]  # (order, status, minutes after T0)
    batches: tuple[int, ...]  # sizes for the batch path


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    statuses = ("1", "2", "3", "6")
    kinds = st.sampled_from(["invoice", "proforma"])
    rules = draw(st.dictionaries(st.sampled_from(statuses), kinds, max_size=4))
    orders = [f"o{n}" for n in range(draw(st.integers(1, 3)))]
    line = st.tuples(st.sampled_from([*KNOWN, "U1"]), st.integers(1, 3))
    lines = {o: tuple(draw(st.lists(line, min_size=1, max_size=3))) for o in orders}
    # Status times move forward ten minutes a step, give or take: now and then one arrives
    # after a later one (a stale event).
    steps = st.tuples(
        st.sampled_from(orders),
        st.sampled_from([*statuses, CANCEL, CANCEL, CANCEL]),
        st.integers(-25, 5),
    )
    events = [
        (order, status, 30 + 10 * n + jitter)
        for n, (order, status, jitter) in enumerate(draw(st.lists(steps, min_size=2, max_size=14)))
    ]
    for _ in range(draw(st.integers(0, 3))):  # redeliveries of earlier events
        events.append(draw(st.sampled_from(events)))
    sizes = draw(st.lists(st.integers(1, 6), min_size=len(events), max_size=len(events)))
    return Scenario(
        rules,
        draw(st.sampled_from([None, "invoice", "proforma"])),
        draw(st.sampled_from(["storno", "storno", "none"])),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.sampled_from(["invoice", "first_document"])),
        lines,
        tuple(events),
        tuple(sizes),
    )


# ---- the reference model -------------------------------------------------------------------


@dataclass
class ModelDoc:
    order: str
    kind: str
    generation: int
    draft: bool
    status: str = "live"
    number: str | None = None


@dataclass
class Model:
    s: Scenario
    docs: list[ModelDoc] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)
    stock: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(KNOWN, START))
    held: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    last_at: dict[str, int] = field(default_factory=dict)
    seen: set[tuple[str, str, int]] = field(default_factory=set)

    def live(self, order: str, kind: str) -> ModelDoc | None:
        return next(
            (d for d in self.docs if (d.order, d.kind, d.status) == (order, kind, "live")), None
        )

    def apply(self, order: str, status: str, at: int) -> str:
        if (order, status, at) in self.seen:
            return "duplicate"
        self.seen.add((order, status, at))
        if order in self.last_at and at < self.last_at[order]:
            return "stale"
        self.last_at[order] = at
        if status == CANCEL:
            return self.cancel(order)
        kind = self.s.status_rules.get(status, self.s.default_kind)
        if kind is None:
            return "ignored"
        if self.live(order, "invoice") or (kind == "proforma" and self.live(order, "proforma")):
            return "unchanged"
        proforma = self.live(order, "proforma")
        if kind == "invoice" and proforma is not None:
            proforma.status = "voided" if proforma.draft else "settled"
        self.issue(order, kind, self.s.draft)
        self.restock(order)
        return "issued"

    def issue(self, order: str, kind: str, draft: bool) -> ModelDoc:
        generation = 1 + sum(1 for d in self.docs if (d.order, d.kind) == (order, kind))
        if kind == "storno":
            generation = self.live(order, "invoice").generation  # type: ignore[union-attr]
        doc = ModelDoc(order, kind, generation, draft)
        if not draft:
            series = "PRO" if kind == "proforma" else "INV"
            self.counters[series] += 1
            doc.number = f"{series}-{self.counters[series]:06d}"
        self.docs.append(doc)
        return doc

    def cancel(self, order: str) -> str:
        if self.s.cancel_action == "none":
            return "ignored"
        invoice, proforma = self.live(order, "invoice"), self.live(order, "proforma")
        if invoice is None and proforma is None:
            return "unchanged"
        if invoice is not None and not invoice.draft:
            self.issue(order, "storno", False)
            invoice.status = "stornoed"
        elif invoice is not None:
            invoice.status = "voided"
        if proforma is not None:
            proforma.status = "voided"
        self.restock(order)
        return "cancelled"

    def restock(self, order: str) -> None:
        holder = self.live(order, "invoice")
        if holder is None and self.s.stock_on == "first_document":
            holder = self.live(order, "proforma")
        held = self.held.get(order, {})
        if holder is not None and not self.s.stock:
            return
        target: dict[str, Decimal] = Counter()  # type: ignore[assignment]
        if holder is not None:
            for sku, quantity in self.s.lines[order]:
                if sku in KNOWN:
                    target[sku] += Decimal(quantity)
        for sku in KNOWN:
            self.stock[sku] -= target.get(sku, 0) - held.get(sku, 0)
        self.held[order] = dict(target)

    def documents(self) -> list[tuple[Any, ...]]:
        return sorted(
            (d.order, d.kind, d.generation, d.status, d.draft, d.number) for d in self.docs
        )


# ---- running the scenario through the real intake -----------------------------------------


def webhook_order(s: Scenario, order: str, status: str, at: int) -> dict[str, Any]:
    base = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    base.pop("totalGross")
    when = (T0 + timedelta(minutes=at)).strftime("%Y-%m-%d %H:%M:%S")
    products = [
        {"name": sku, "sku": sku, "price": "1000", "taxRate": "27", "quantity": str(q)}
        for sku, q in s.lines[order]
    ]
    return {
        **base,
        "innerId": order,
        "orderHistory": {"status": status, "statusText": status, "dateAdded": when},
        "orderProducts": {"orderProduct": products},
    }


@dataclass
class Shop:
    sessions: async_sessionmaker[AsyncSession]
    id: int = 0
    account_id: int = 0
    warehouse_id: int = 0

    async def create(self, s: Scenario, cipher: CredentialCipher) -> Shop:
        async with self.sessions() as session:
            connection = await shop_connection(session, cipher, unique("model-"))
            warehouse_id, _ = await stocked_warehouse(
                session, connection.account_id, dict.fromkeys(KNOWN, START)
            )
            connection.orders_status_rules = s.status_rules
            connection.orders_default_kind = s.default_kind
            connection.orders_cancel_status_ids = [CANCEL]
            connection.orders_cancel_action = s.cancel_action
            connection.orders_draft = s.draft
            connection.orders_stock_enabled = s.stock
            connection.orders_stock_warehouse_id = warehouse_id
            connection.orders_stock_on = s.stock_on
            await session.commit()
            self.id, self.account_id, self.warehouse_id = (
                connection.id,
                connection.account_id,
                warehouse_id,
            )
        return self

    def event(self, s: Scenario, order: str, status: str, at: int) -> OrderReceived:
        payload = webhook_order(s, order, status, at)
        return order_event(self.id, self.account_id, payload, "json", datetime.now(UTC))

    async def documents(self) -> list[tuple[Any, ...]]:
        async with self.sessions() as session:
            rows = (
                await session.execute(select(Document).where(Document.connection_id == self.id))
            ).scalars()
            return sorted(
                (d.order_ref, d.kind, d.generation, d.status, d.draft, d.document_number)
                for d in rows
            )

    async def stock(self) -> dict[str, Decimal]:
        async with self.sessions() as session:
            rows = await session.execute(
                select(Product.sku, StockLevel.quantity)
                .join(StockLevel, StockLevel.product_id == Product.id)
                .where(StockLevel.warehouse_id == self.warehouse_id)
            )
            return {sku: quantity for sku, quantity in rows}

    async def records(self) -> list[tuple[Any, ...]]:
        """The outbox records this shop's orders produced, without ids."""
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(OutboxMessage.payload).where(
                        (
                            OutboxMessage.topic.in_([DOCUMENTS_ISSUED, DOCUMENTS_VOIDED])
                            & OutboxMessage.key.like(f"{self.id}:%")
                        )
                        | (
                            (OutboxMessage.topic == STOCK_MOVEMENTS)
                            & OutboxMessage.key.like(f"{self.account_id}:%")
                        )
                    )
                )
            ).scalars()
        found: list[tuple[Any, ...]] = []
        for payload in rows:
            r = json.loads(payload)
            if r["schema"] == "stock-movements/v1":
                found.append(("moved", r["sku"], Decimal(r["quantity"]), r["reason"]))
            elif r["schema"] == "documents-voided/v1":
                found.append(("voided", r["order_ref"], r["kind"], r["document_number"]))
            else:
                found.append(
                    ("issued", r["order_ref"], r["kind"], r["draft"], r["document_number"])
                )
        return sorted(found, key=repr)

    async def check_invariants(self, s: Scenario) -> None:
        async with self.sessions() as session:
            docs = list(
                (
                    await session.execute(select(Document).where(Document.connection_id == self.id))
                ).scalars()
            )
            moves = (
                await session.execute(
                    select(Document.order_ref, Product.sku, StockMovement.quantity)
                    .join(Document, Document.id == StockMovement.document_id)
                    .join(Product, Product.id == StockMovement.product_id)
                    .where(Document.connection_id == self.id)
                )
            ).all()
        for order in s.lines:
            mine = [d for d in docs if d.order_ref == order]
            assert sum(d.kind == "invoice" and d.status == "live" for d in mine) <= 1
            holder = next((d for d in mine if d.kind == "invoice" and d.status == "live"), None)
            if holder is None and s.stock_on == "first_document":
                holder = next(
                    (d for d in mine if d.kind == "proforma" and d.status == "live"), None
                )
            net: dict[str, Decimal] = {}
            for ref, sku, quantity in moves:
                if ref == order:
                    net[sku] = net.get(sku, Decimal(0)) - quantity
            expected: dict[str, Decimal] = {}
            if holder is not None and s.stock:
                for sku, count in s.lines[order]:
                    if sku in KNOWN:
                        expected[sku] = expected.get(sku, Decimal(0)) + count
            net = {k: v for k, v in net.items() if v}
            assert net == {k: v for k, v in expected.items() if v}, (order, net, expected)
        for series, kinds in (("INV", {"invoice", "storno"}), ("PRO", {"proforma"})):
            numbers = sorted(d.number for d in docs if d.kind in kinds and d.number is not None)
            assert numbers == list(range(1, len(numbers) + 1)), (series, numbers)
            assert all(d.series == series for d in docs if d.kind in kinds)
        for d in docs:
            assert d.draft == (d.number is None)
            if d.status == "voided" and d.draft:
                assert d.document_number is None


async def run_scenario(url: str, cipher: CredentialCipher, s: Scenario) -> None:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        model = Model(s)
        expected = [model.apply(*e) for e in s.events]
        one = await Shop(sessions).create(s, cipher)
        many = await Shop(sessions).create(s, cipher)
        intake = OrderIntake(order_units(sessions))
        results: list[str] = []
        for order, status, at in s.events:
            results.append((await intake.handle(one.event(s, order, status, at))).result)
            await one.check_invariants(s)
        assert results == expected
        batched: list[Outcome | PoisonEvent] = []
        events = [many.event(s, *e) for e in s.events]
        position = 0
        for size in s.batches:
            if position >= len(events):
                break
            batched += await intake.handle_batch(events[position : position + size])
            position += size
            await many.check_invariants(s)
        assert [r.result for r in batched if isinstance(r, Outcome)] == expected
        assert await one.documents() == await many.documents() == model.documents()
        assert await one.stock() == await many.stock() == model.stock
        assert await one.records() == await many.records()
    finally:
        await engine.dispose()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(s=scenarios())
def test_one_by_one_and_batches_give_the_reference_models_documents_numbers_and_stock(
    s: Scenario, database_url: str, cipher: CredentialCipher, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="shopsync.service_layer.order_intake"):
        asyncio.run(run_scenario(database_url, cipher, s))
    # The batch path itself carried every batch: no split into smaller ones hid a failure.
    assert "splitting" not in caplog.text
