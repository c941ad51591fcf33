"""Reconciliation against the sandbox over HTTP and a real database: no order is lost when its
webhook is, and one status change gives one document whichever of webhook and poll comes first.

The poll's messages go to the real order intake here, as the order processor would take them
off the broker (the broker leg is the e2e tier's).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox import generator
from devtools.sandbox.orders import place_order, webhook_order
from devtools.sandbox.store import Row, SandboxShop
from services.catalog_sync.metrics import reconcile_metrics
from services.catalog_sync.reconcile import ReconcileCycle
from shopsync.adapters.db.models import Document
from shopsync.adapters.db.reconcile_marks import SqlAlchemyReconcileStore
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.decoding import decode
from shopsync.adapters.kafka.order_events import order_event
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.adapters.shoprenter.order_reads import HttpShopOrders
from shopsync.domain.order_reconciling import ReconcileMark
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.order_reconciling import OrderReconciler, ShopRef
from shopsync.service_layer.shops import apply_settings
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration


@dataclass
class IntakeSender:
    """Hands each acknowledged message to the order intake, as the processor would."""

    intake: OrderIntake
    published: list[OrderReceived] = field(default_factory=list)

    async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        events = [decode(value, OrderReceived) for _topic, _key, value in messages]
        self.published.extend(events)
        if events:
            await self.intake.handle_batch(events)


@dataclass
class Reconciling:
    """A sandbox shop, its connection (intake on: 1 → proforma, 6 → invoice) and a poller."""

    sandbox: Sandbox
    shop: SandboxShop
    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    ref: ShopRef
    sender: IntakeSender

    async def run(self) -> int:
        """One reconciliation pass; how many events it published."""
        store = SqlAlchemyReconcileStore(self.sessions)
        orders = HttpShopOrders(client_for(self.sandbox.basic(self.shop), self.http))
        return (await OrderReconciler(store, self.sender).run(self.ref, orders)).published

    def place(self, seed: int) -> Row:
        """An order placed in the shop whose webhook nobody receives (no webhook registered)."""
        rng = random.Random(seed)
        spec = generator.order(rng, generator.catalog(rng, 5))
        return place_order(self.shop, spec)

    async def webhook(self, order: Row) -> None:
        """The webhook the shop would send for the order's current status, handled."""
        raw = webhook_order(self.shop, order, self.sandbox.url)
        event = order_event(self.ref.connection_id, self.ref.account_id, raw, "json", _now())
        await self.sender.intake.handle(event)

    async def documents(self) -> dict[str, list[str]]:
        query = select(Document).where(Document.connection_id == self.ref.connection_id)
        async with self.sessions() as session:
            rows = (await session.execute(query.order_by(Document.id))).scalars()
            found: dict[str, list[str]] = {}
            for row in rows:
                found.setdefault(row.order_ref, []).append(row.kind)
            return found


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
async def reconciling(
    sandbox: Sandbox,
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    cipher: CredentialCipher,
) -> Reconciling:
    shop = sandbox.shop()
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("acct-"))
        sandbox.point(connection, shop, cipher)
        apply_settings(connection, {"orders_status_rules": {"1": "proforma", "6": "invoice"}})
        await session.commit()
        ref = ShopRef(connection.id, connection.account_id)
    store = SqlAlchemyReconcileStore(sessions)
    await store.save(ref.connection_id, ReconcileMark(_now() - timedelta(minutes=1)))
    sender = IntakeSender(OrderIntake(order_units(sessions)))
    return Reconciling(sandbox, shop, sessions, http, ref, sender)


async def test_orders_whose_webhooks_never_arrived_each_get_one_document_after_one_pass(
    reconciling: Reconciling,
) -> None:
    placed = [reconciling.place(seed) for seed in range(12)]
    assert reconciling.shop.stats.webhooks_sent == 0
    assert await reconciling.run() == 12
    documents = await reconciling.documents()
    assert documents == {str(order.inner): ["proforma"] for order in placed}
    assert await reconciling.run() == 0  # the overlap reads them again: the inbox has them
    assert await reconciling.documents() == documents


async def test_a_status_change_missed_by_its_webhook_is_invoiced_by_the_next_pass(
    reconciling: Reconciling,
) -> None:
    order = reconciling.place(1)
    await reconciling.webhook(order)
    client = client_for(reconciling.sandbox.basic(reconciling.shop), reconciling.http)
    await client.put(
        f"orders/{order.resource_id}", {"orderStatus": {"id": reconciling.shop.status_id(6)}}
    )
    assert await reconciling.run() == 1
    assert (await reconciling.documents())[str(order.inner)] == ["proforma", "invoice"]


async def test_a_webhook_and_a_poll_of_one_status_give_one_document_in_either_order(
    reconciling: Reconciling,
) -> None:
    first_webhook, first_poll = reconciling.place(1), reconciling.place(2)
    await reconciling.webhook(first_webhook)
    assert await reconciling.run() == 1  # only the order whose webhook was not handled
    await reconciling.webhook(first_poll)
    assert await reconciling.documents() == {
        str(first_webhook.inner): ["proforma"],
        str(first_poll.inner): ["proforma"],
    }


async def test_a_webhook_and_a_poll_handled_at_the_same_time_give_one_document_per_order(
    reconciling: Reconciling,
) -> None:
    # The poll has read 20 orders no webhook was handled for and hands them to the intake; at
    # that moment their webhooks come, handled by a second intake in transactions of their own
    # (as by two processors while partitions move).
    placed = [reconciling.place(seed) for seed in range(20)]
    webhook_intake = IntakeSender(OrderIntake(order_units(reconciling.sessions)))
    webhooks = Reconciling(**{**vars(reconciling), "sender": webhook_intake})
    polled = reconciling.sender

    class AtTheSameTime(IntakeSender):
        async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
            arriving = [webhooks.webhook(order) for order in placed]
            await asyncio.gather(polled.send_many(messages), *arriving)

    reconciling.sender = AtTheSameTime(polled.intake)
    assert await reconciling.run() == 20
    assert len(polled.published) == 20
    assert await reconciling.documents() == {str(order.inner): ["proforma"] for order in placed}


async def test_a_pass_run_by_its_tick_rides_out_429s_and_counts_them_as_the_polls(
    reconciling: Reconciling, cipher: CredentialCipher
) -> None:
    order = reconciling.place(7)
    reconciling.shop.faults.throttle_next, reconciling.shop.faults.retry_after = 2, 1
    registry = CollectorRegistry()
    store = SqlAlchemyReconcileStore(reconciling.sessions)
    cycle = ReconcileCycle(
        reconciling.sessions,
        cipher,
        lambda: reconciling.http,
        OrderReconciler(store, reconciling.sender),
        reconcile_metrics(registry),
        shop_api_metrics(registry).throttled_for("poll"),
    )
    assert await cycle.run(reconciling.ref.connection_id) == "ok"
    assert registry.get_sample_value("shopsync_shop_api_throttled_total", {"use": "poll"}) == 2
    assert await reconciling.documents() == {str(order.inner): ["proforma"]}
