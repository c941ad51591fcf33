"""Reconciliation by polling: which window a pass reads, when its mark moves, what it sends."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shopsync.domain import order_reconciling as marks
from shopsync.domain.order_reconciling import OVERLAP, ReconcileMark
from shopsync.service_layer.order_reconciling import OrderReconciler, ShopRef
from tests.fakes import FakeReconcileStore, FakeSender, FakeShopOrders
from tests.support import SAMPLE_WEBHOOK

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHOP = ShopRef(connection_id=7, account_id=3)


def order(inner_id: str, status: str = "1", when: str = "2026-03-01 12:58:00") -> dict[str, Any]:
    raw = copy.deepcopy(json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0])
    raw["innerId"] = inner_id
    raw["orderHistory"] = {"status": status, "statusText": "x", "dateAdded": when}
    return raw


def reconciler(
    store: FakeReconcileStore, sender: FakeSender, now: datetime = T0
) -> OrderReconciler:
    return OrderReconciler(store, sender, clock=lambda: now)


def test_a_pass_reads_from_the_mark_less_the_overlap_and_ends_at_its_own_start() -> None:
    mark = marks.start_pass(ReconcileMark(T0), T0 + timedelta(minutes=5))
    assert marks.window_start(mark) == T0 - OVERLAP
    mark = marks.page_published(marks.page_published(mark))
    assert (mark.next_page, mark.reconciled_until) == (2, T0)  # pages never move the mark
    assert marks.pass_finished(mark) == ReconcileMark(T0 + timedelta(minutes=5))


def test_a_pass_under_way_is_resumed_with_its_window_not_started_again() -> None:
    under_way = ReconcileMark(T0, pass_started_at=T0 + timedelta(minutes=5), next_page=3)
    assert marks.start_pass(under_way, T0 + timedelta(hours=2)) == under_way


def test_filters_take_the_shops_local_time_winter_and_summer() -> None:
    assert marks.shop_time(datetime(2026, 1, 10, 8, 0, tzinfo=UTC)) == "2026-01-10T09:00:00"
    assert marks.shop_time(datetime(2026, 7, 10, 8, 0, tzinfo=UTC)) == "2026-07-10T10:00:00"
    assert marks.from_day("2026-07-10") == datetime(2026, 7, 9, 22, 0, tzinfo=UTC)


def test_poll_lag_is_the_time_since_the_mark() -> None:
    assert marks.lag_seconds(ReconcileMark(T0), T0 + timedelta(seconds=90)) == 90.0


async def test_every_changed_order_is_published_once_as_its_webhook_event_and_the_mark_moves() -> (
    None
):
    store, sender = FakeReconcileStore({7: ReconcileMark(T0 - timedelta(minutes=5))}), FakeSender()
    shop = FakeShopOrders([[order("1"), order("2")], [order("3"), order("3")]])
    run = await reconciler(store, sender).run(SHOP, shop)
    events = [json.loads(value) for _topic, _key, value in sender.sent]
    assert [e["event_id"] for e in events] == [
        f"7:{n}:1:2026-03-01 12:58:00" for n in ("1", "2", "3")
    ]
    assert [key for _t, key, _v in sender.sent] == [b"7:1", b"7:2", b"7:3"]
    assert (run.pages, run.seen, run.published) == (2, 4, 3)
    assert shop.asked == [(T0 - timedelta(minutes=10), 0), (T0 - timedelta(minutes=10), 1)]
    assert store.marks[7] == ReconcileMark(T0)


async def test_statuses_the_order_processor_handled_already_are_not_sent_again() -> None:
    store, sender = FakeReconcileStore(inbox={"7:1:1:2026-03-01 12:58:00"}), FakeSender()
    run = await reconciler(store, sender).run(SHOP, FakeShopOrders([[order("1"), order("2")]]))
    assert run.published == 1
    assert [key for _t, key, _v in sender.sent] == [b"7:2"]


async def test_a_page_the_broker_did_not_take_is_read_again_after_a_restart() -> None:
    store, sender = FakeReconcileStore({7: ReconcileMark(T0)}), FakeSender(fail_calls={2})
    shop = FakeShopOrders([[order("1")], [order("2")], [order("3")]])
    with pytest.raises(ConnectionError):
        await reconciler(store, sender, T0 + timedelta(minutes=5)).run(SHOP, shop)
    assert store.marks[7] == ReconcileMark(T0, T0 + timedelta(minutes=5), next_page=1)
    await reconciler(store, sender, T0 + timedelta(minutes=9)).run(SHOP, shop)
    assert [page for _since, page in shop.asked] == [0, 1, 1, 2]
    assert {since for since, _page in shop.asked} == {T0 - OVERLAP}
    assert [key for _t, key, _v in sender.sent] == [b"7:1", b"7:2", b"7:3"]
    assert store.marks[7] == ReconcileMark(T0 + timedelta(minutes=5))


async def test_a_connection_without_a_mark_is_reconciled_from_now_never_its_whole_history() -> None:
    store, shop = FakeReconcileStore(), FakeShopOrders([[]])
    await reconciler(store, FakeSender()).run(SHOP, shop)
    assert shop.asked == [(T0 - OVERLAP, 0)]


def test_intake_switched_on_again_reads_from_then_not_what_happened_while_it_was_off() -> None:
    old = ReconcileMark(T0, pass_started_at=T0 + timedelta(minutes=5), next_page=2)
    switched_on = T0 + timedelta(days=7)
    mark = marks.start_pass(old, switched_on + timedelta(seconds=1), since=switched_on)
    assert mark == ReconcileMark(switched_on, switched_on + timedelta(seconds=1))
    later = marks.start_pass(ReconcileMark(switched_on + timedelta(hours=1)), T0, since=switched_on)
    assert later.reconciled_until == switched_on + timedelta(hours=1)


async def test_a_first_pass_reads_from_when_intake_was_switched_on() -> None:
    store, shop = FakeReconcileStore(), FakeShopOrders([[]])
    since = T0 - timedelta(minutes=20)
    await reconciler(store, FakeSender()).run(ShopRef(7, 3, since), shop)
    assert shop.asked == [(since - OVERLAP, 0)]


async def test_an_order_no_event_can_carry_is_left_out_and_the_pass_goes_on() -> None:
    bad = order("")  # no order id: the gateway would refuse its webhook too
    store, sender = FakeReconcileStore(), FakeSender()
    run = await reconciler(store, sender).run(SHOP, FakeShopOrders([[bad, order("2")]]))
    assert [key for _t, key, _v in sender.sent] == [b"7:2"]
    assert store.marks[7] == ReconcileMark(T0)
    assert run.published == 1
