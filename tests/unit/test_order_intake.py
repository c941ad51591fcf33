"""The use case "order events arrive" against the in-memory fakes: batches, duplicates, faults."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.webhook_gateway.events import order_event
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain import order_actions as do
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_rules import OrderRules, StockOn, StockRule
from shopsync.service_layer.order_intake import OrderIntake, Outcome, PoisonEvent
from shopsync.service_layer.ports import Conflict, Outage, ShopIntake
from tests.fakes import FakeDatabase
from tests.support import SAMPLE_WEBHOOK

SHOP, ACCOUNT = 7, 70
PAID, CANCELLED = "1", "7"
RULES = OrderRules(
    intake=True,
    auto_accept=True,
    status_kinds={PAID: DocumentKind.INVOICE},
    cancel_statuses=frozenset({CANCELLED}),
)


def event(order_ref: str, status: str = PAID, second: int = 0, **order: Any) -> OrderReceived:
    body = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    when = f"2025-12-01 20:57:{second:02d}"
    body |= {"innerId": order_ref, "orderHistory": {"status": status, "dateAdded": when}}
    return order_event(SHOP, ACCOUNT, body | order, "json", datetime.now(UTC))


def shop(rules: OrderRules = RULES) -> FakeDatabase:
    database = FakeDatabase()
    database.committed.intakes[SHOP] = ShopIntake(SHOP, ACCOUNT, rules)
    return database


def issued(results: list[Outcome | PoisonEvent]) -> list[str]:
    return [r.kind if isinstance(r, Outcome) else "poison" for r in results]


async def test_a_paid_order_becomes_one_invoice_and_its_webhook_again_is_a_duplicate() -> None:
    database = shop()
    intake = OrderIntake(database.units())
    first = await intake.handle(event("o1"))
    again = await intake.handle(event("o1"))
    assert (first.result, first.kind, first.document_id) == ("issued", "invoice", 1)
    assert again.result == "duplicate"
    assert len(database.committed.applied) == 1


async def test_a_cancellation_in_the_same_batch_reverses_the_invoice_issued_before_it() -> None:
    database = shop()
    results = await OrderIntake(database.units()).handle_batch(
        [event("o1"), event("o1", CANCELLED, second=5)]
    )
    assert issued(results) == ["invoice", "storno"]
    assert database.commits == 1


async def test_an_event_naming_another_accounts_shop_is_refused_and_the_rest_handled() -> None:
    database = shop()
    stranger = order_event(SHOP, ACCOUNT + 1, event("o2").order, "json", datetime.now(UTC))
    results = await OrderIntake(database.units()).handle_batch([event("o1"), stranger])
    assert isinstance(results[1], PoisonEvent)
    assert "unknown connection 7" in str(results[1])
    assert issued(results) == ["invoice", "poison"]


async def test_an_order_with_a_vat_rate_the_shop_lacks_is_held_with_the_reason() -> None:
    database = shop()
    bad = event("o1")
    bad.order["orderProducts"]["orderProduct"][0]["taxRate"] = "13.5"
    outcome = await OrderIntake(database.units()).handle(bad)
    assert outcome.result == "held"
    assert "not a VAT rate of the shop" in outcome.note
    [hold] = database.committed.holds
    assert (hold.connection_id, hold.event.order_id, hold.why.field) == (
        SHOP,
        "o1",
        "orderProduct.taxRate",
    )
    assert database.committed.applied == []


async def test_one_order_that_cannot_be_written_is_the_only_dead_letter_of_its_batch() -> None:
    database = shop()
    database.fail_on("o2", ValueError("a column refused the value"))
    results = await OrderIntake(database.units()).handle_batch(
        [event("o1"), event("o2"), event("o3")]
    )
    assert issued(results) == ["invoice", "poison", "invoice"]
    assert "ValueError: a column refused the value" in str(results[1])
    assert sorted(p.order_ref for p in database.committed.applied) == ["o1", "o3"]


async def test_a_conflict_with_another_worker_is_tried_again_and_then_handled() -> None:
    database = shop()
    database.fail_on("o1", Conflict("IntegrityError: duplicate key"), None)
    outcome = await OrderIntake(database.units()).handle(event("o1"))
    assert (outcome.result, outcome.kind) == ("issued", "invoice")


async def test_an_outage_while_writing_stops_the_whole_batch_and_commits_nothing() -> None:
    database = shop()
    database.fail_on("o2", Outage("OSError: connection refused"))
    with pytest.raises(Outage):
        await OrderIntake(database.units()).handle_batch([event("o1"), event("o2")])
    assert database.commits == 0
    assert database.committed.claimed == set()


async def test_a_sku_the_catalog_lacks_moves_no_stock_and_is_recorded_as_not_found() -> None:
    database = shop(replace(RULES, stock=StockRule(warehouse_id=3, on=StockOn.INVOICE)))
    database.committed.catalogs[ACCOUNT] = {"996000004": 41}
    outcome = await OrderIntake(database.units()).handle(event("o1"))
    [planned] = database.committed.applied
    moves = [a for a in planned.decision.actions if isinstance(a, do.MoveStock)]
    misses = [a.sku for a in planned.decision.actions if isinstance(a, do.RecordSkuMiss)]
    assert [(m.key.product_id, m.quantity) for m in moves] == [(41, Decimal(-1))]
    assert misses == ["TTA1234"]
    assert outcome.skus_not_found == 1
