"""Every consumed topic read alike: a schema check, a typed record, a dead letter for the rest;
and what catalog-sync does with what it hears — a local change uploads at once."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal
from types import SimpleNamespace

import aiohttp
import orjson
import pytest
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.changes import UploadOnChange
from services.catalog_sync.cycle import CatalogCycle
from services.catalog_sync.metrics import catalog_metrics
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.models import DeadLetterRow, OutboxMessage
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.kafka.decoding import RecordReader, decode
from shopsync.adapters.kafka.records import CatalogChanged, StockMoved
from shopsync.adapters.kafka.ticks import ConnectionRunner
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.domain.product_input import ProductSpec
from shopsync.service_layer.catalog_admin import save_products
from shopsync.service_layer.shops import apply_settings
from tests.sandbox_fixtures import Sandbox
from tests.support import async_wait_until, shop_connection, unique

pytestmark = pytest.mark.integration
DLQ = "shopsync.dlq.stock-sync.v1"


def faust_event(value: bytes, offset: int) -> SimpleNamespace:
    """What faust hands an agent from `stream.events()`: the value and where it came from."""
    message = SimpleNamespace(
        topic="shopsync.stock-movements.v1", partition=2, offset=offset, key=b"1:S-1"
    )
    return SimpleNamespace(value=value, message=message)


async def test_a_malformed_stock_movement_is_a_dead_letter_with_its_reason_and_a_good_one_a_record(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    sent: list[tuple[str, bytes, bytes]] = []

    async def send(topic: str, key: bytes, value: bytes) -> None:
        sent.append((topic, key, value))

    counter = Counter(unique("dead_"), "dead letters", registry=CollectorRegistry())
    reader = RecordReader("stock-sync", StockMoved, DeadLetterSink(sessions, send, DLQ, counter))
    good = {
        "schema": "stock-movements/v1",
        "event_id": "movement:7",
        "movement_id": 7,
        "account_id": 1,
        "warehouse_id": 2,
        "sku": "S-1",
        "quantity": "-2",
        "reason": "order",
        "document_id": 9,
        "created_at": "2026-12-01T10:00:00+00:00",
    }
    offset = random.randrange(10**12)  # the dead-letter table outlives a test
    record = await reader.read(faust_event(orjson.dumps(good), offset))
    assert record == StockMoved.model_validate({k: v for k, v in good.items() if k != "schema"})
    bad = {**good, "quantity": "lots"}
    assert await reader.read(faust_event(orjson.dumps(bad), offset + 1)) is None
    assert await reader.read(faust_event(b"not json", offset + 2)) is None
    async with sessions() as session:
        kept = (
            await session.execute(
                select(DeadLetterRow).where(
                    DeadLetterRow.source_offset.in_([offset + 1, offset + 2])
                )
            )
        ).scalars()
        reasons = sorted(r.reason for r in kept)
    assert len(reasons) == 2
    assert all(r.startswith("undecodable stock-movements/v1") for r in reasons)
    assert [topic for topic, _, _ in sent] == [DLQ, DLQ]
    assert counter._value.get() == 2


async def test_a_local_product_added_is_uploaded_to_the_accounts_uploading_shop_at_once(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    """What catalog-sync does with a CatalogChanged from `shopsync products add`: the shop
    has the product after one round of the change timer, not a tick interval later."""
    shop = sandbox.shop()
    account = unique("a-")
    async with sessions() as session:
        uploading = await shop_connection(session, cipher, account)
        sandbox.point(uploading, shop, cipher)
        apply_settings(uploading, {"products_upload_enabled": True})
        await session.commit()
        account_id = uploading.account_id
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await save_products(uow, account, [ProductSpec("NEW-1", "Új tea", Decimal("27"))])
        await uow.commit()
    async with sessions() as session:
        payloads = (
            await session.execute(
                select(OutboxMessage.payload).where(OutboxMessage.key == f"{account_id}:NEW-1")
            )
        ).scalars()
        [change] = [decode(p.encode(), CatalogChanged) for p in payloads]
    throttled = shop_api_metrics(CollectorRegistry()).throttled_for("catalog")
    cycle = CatalogCycle(
        sessions, cipher, lambda: http, catalog_metrics(CollectorRegistry()), throttled
    )
    registry = CollectorRegistry()
    runner = ConnectionRunner(cycle.run, 4, Counter("skipped", "skipped", registry=registry))
    follower = UploadOnChange(sessions, runner)
    follower.heard(change)
    assert await follower.start_due() == 1
    in_shop = await async_wait_until(
        lambda: asyncio.sleep(0, [r.fields["sku"] for r in shop.table("products").rows.values()]),
        30,
    )
    assert in_shop == ["NEW-1"]
    await async_wait_until(lambda: asyncio.sleep(0, not runner.busy(uploading.id)), 30)
    assert await follower.start_due() == 0  # heard once, uploaded once
