"""Batches of order events in one transaction: same rules, same guarantees as one by one."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.models import Account, Document, OutboxMessage, SkuMiss, StockLevel
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.contracts import check
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.adapters.kafka.topics import DOCUMENTS_ISSUED, STOCK_MOVEMENTS
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.order_intake import OrderIntake, PoisonEvent
from shopsync.service_layer.shops import apply_settings
from tests.support import SAMPLE_WEBHOOK, free_port, shop_connection, stocked_warehouse, unique

pytestmark = pytest.mark.integration


async def stocked_connection(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> tuple[int, int, int, int]:
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("a-"))
        warehouse_id, products = await stocked_warehouse(
            session, connection.account_id, {"996000004": Decimal(1000)}
        )
        apply_settings(
            connection, {"orders_stock_enabled": True, "orders_stock_warehouse_id": warehouse_id}
        )
        await session.commit()
        return connection.id, connection.account_id, warehouse_id, products["996000004"]


def events(
    connection_id: int, account_id: int, ids: list[str], status: str = "1", when: str = ""
) -> list[OrderReceived]:
    base = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    history = {"status": status, "statusText": "x", "dateAdded": when or "2025-12-01 20:57:40"}
    return [
        order_event(
            connection_id,
            account_id,
            {**json.loads(json.dumps(base)), "innerId": i, "orderHistory": history},
            "json",
            datetime.now(UTC),
        )
        for i in ids
    ]


async def scalar(sessions: async_sessionmaker[AsyncSession], statement: Any) -> Any:
    async with sessions() as session:
        return await session.scalar(statement)


async def test_a_batch_issues_one_document_per_order_numbered_without_gaps_and_moves_stock(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid, warehouse_id, product_id = await stocked_connection(sessions, cipher)
    handler = OrderIntake(order_units(sessions))
    batch = events(cid, aid, [str(n) for n in range(150)])
    results = await handler.handle_batch(batch + batch[:10])  # duplicates inside the batch
    assert [r.result for r in results if not isinstance(r, PoisonEvent)].count("issued") == 150
    redelivered = await handler.handle_batch(batch[100:])  # a batch delivered again
    assert {r.result for r in redelivered if not isinstance(r, PoisonEvent)} == {"duplicate"}
    async with sessions() as session:
        numbers = sorted(
            n or 0
            for n in (
                await session.execute(select(Document.number).where(Document.connection_id == cid))
            ).scalars()
        )
        level = await session.get(StockLevel, (warehouse_id, product_id))
    assert numbers == list(range(1, 151))
    assert level is not None and level.quantity == Decimal(850)
    assert (
        await scalar(
            sessions, select(func.count()).select_from(SkuMiss).where(SkuMiss.connection_id == cid)
        )
        == 150
    )  # TTA1234 is unknown in every order
    # What leaves through the outbox honours the topics' contracts (built without re-checking
    # on the hot path, so checked here): one documents-issued per order, one movement each.
    keys = [f"{cid}:{n}" for n in range(150)] + [f"{aid}:996000004"]
    async with sessions() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.topic, OutboxMessage.payload).where(
                    OutboxMessage.key.in_(keys)
                )
            )
        ).all()
    contracts = {DOCUMENTS_ISSUED: "documents-issued/v1", STOCK_MOVEMENTS: "stock-movements/v1"}
    assert Counter(topic for topic, _ in rows) == {DOCUMENTS_ISSUED: 150, STOCK_MOVEMENTS: 150}
    for topic, payload in rows:
        record = json.loads(payload)
        assert record["schema"] == contracts[topic]
        check(record["schema"], record)


async def test_a_poison_event_in_a_batch_is_singled_out_and_the_rest_processed(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid, _, _ = await stocked_connection(sessions, cipher)
    good = events(cid, aid, ["p1", "p2"])
    bad = events(987_654, aid, ["p3"])
    results = await OrderIntake(order_units(sessions)).handle_batch([good[0], bad[0], good[1]])
    assert isinstance(results[1], PoisonEvent)
    assert [r.result for r in (results[0], results[2]) if not isinstance(r, PoisonEvent)] == [
        "issued",
        "issued",
    ]


async def test_concurrent_batch_workers_never_skip_or_reuse_a_number(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers: concurrency is PostgreSQL's question")
    cid, aid, _, _ = await stocked_connection(sessions, cipher)
    batches = [events(cid, aid, [f"{b}-{n}" for n in range(50)]) for b in range(4)]
    await asyncio.gather(*(OrderIntake(order_units(sessions)).handle_batch(b) for b in batches))
    async with sessions() as session:
        numbers = sorted(
            n or 0
            for n in (
                await session.execute(select(Document.number).where(Document.connection_id == cid))
            ).scalars()
        )
    assert numbers == list(range(1, 201))


async def test_a_cancellation_in_the_same_batch_as_its_invoice_stornos_it_and_returns_stock(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid, warehouse_id, product_id = await stocked_connection(sessions, cipher)
    ids = [f"c{n}" for n in range(20)]
    paid = events(cid, aid, ids, "1", "2025-12-01 10:00:00")
    cancelled = events(cid, aid, ids[:5], "7", "2025-12-01 11:00:00")
    results = await OrderIntake(order_units(sessions)).handle_batch(paid + cancelled)
    outcomes = [r.result for r in results if not isinstance(r, PoisonEvent)]
    assert outcomes == ["issued"] * 20 + ["cancelled"] * 5
    async with sessions() as session:
        documents = (
            (await session.execute(select(Document).where(Document.connection_id == cid)))
            .scalars()
            .all()
        )
        level = await session.get(StockLevel, (warehouse_id, product_id))
    stornos = [d for d in documents if d.kind == "storno"]
    assert len(stornos) == 5 and {d.order_ref for d in stornos} == set(ids[:5])
    assert sorted(d.number or 0 for d in documents) == list(range(1, 26))
    by_id = {d.id: d for d in documents}
    assert all(by_id[s.references_document_id or 0].order_ref == s.order_ref for s in stornos)
    assert level is not None and level.quantity == Decimal(1000 - 15)


async def refuse_orders_named(sessions: async_sessionmaker[AsyncSession], prefix: str) -> None:
    """A trigger that makes the database refuse one order's document: poison, not an outage."""
    async with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text(
                    "CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.order_ref LIKE '{prefix}%' THEN RAISE EXCEPTION 'refused %', "
                    "NEW.order_ref; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            await session.execute(text("DROP TRIGGER IF EXISTS refuse_poison ON documents"))
            await session.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON documents "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
                )
            )
        else:
            await session.execute(
                text(
                    "CREATE TRIGGER IF NOT EXISTS refuse_poison BEFORE INSERT ON documents "
                    f"WHEN NEW.order_ref LIKE '{prefix}%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        await session.commit()


async def test_one_event_the_database_refuses_is_poison_alone_and_the_rest_are_issued(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    cid, aid, _, _ = await stocked_connection(sessions, cipher)
    await refuse_orders_named(sessions, "poison")
    ids = [f"good-{n}" for n in range(39)]
    ids.insert(17, "poison-1")
    results = await OrderIntake(order_units(sessions)).handle_batch(events(cid, aid, ids))
    poison = [(i, r) for i, r in zip(ids, results, strict=True) if isinstance(r, PoisonEvent)]
    assert [i for i, _ in poison] == ["poison-1"] and "refused" in str(poison[0][1])
    assert [r.result for r in results if not isinstance(r, PoisonEvent)] == ["issued"] * 39
    async with sessions() as session:
        numbers = sorted(
            n or 0
            for n in (
                await session.execute(select(Document.number).where(Document.connection_id == cid))
            ).scalars()
        )
    assert numbers == list(range(1, 40))  # the refused one took no number


async def test_a_database_that_cannot_be_reached_is_an_outage_not_poison(
    cipher: CredentialCipher,
) -> None:
    from shopsync.adapters.db.engine import create_engine, session_factory
    from shopsync.service_layer.order_intake import Outage

    for url in (
        "postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_database",
        f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/postgres",
    ):
        engine = create_engine(url)
        try:
            with pytest.raises(Outage):
                await OrderIntake(order_units(session_factory(engine))).handle_batch(
                    events(1, 1, ["o1"])
                )
        finally:
            await engine.dispose()


async def test_a_bad_order_in_a_batch_is_held_with_its_reason_and_released_once_allowed(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    from shopsync.adapters.db.models import ShopConnection
    from shopsync.service_layer.held_orders import held_orders, release

    cid, aid, _, _ = await stocked_connection(sessions, cipher)
    batch = events(cid, aid, [f"h{n}" for n in range(40)])
    odd = batch[7].order
    odd["orderProducts"]["orderProduct"][0]["taxRate"] = "19"  # an Austrian rate, say
    odd["totalGross"] = "11131"  # 945 net at 19 % is 1 125 gross, not 1 200: the shop's total
    results = await OrderIntake(order_units(sessions)).handle_batch(batch)
    outcomes = [r.result for r in results if not isinstance(r, PoisonEvent)]
    assert outcomes.count("issued") == 39 and outcomes[7] == "held"
    async with sessions() as session:
        mine = [h for h in await held_orders(session) if h["order"] == "h7"]
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        name, account = connection.name, (await session.get(Account, aid)).name  # type: ignore[union-attr]
    assert [(h["field"], h["value"]) for h in mine] == [("orderProduct.taxRate", "19")]
    said = await release(sessions, name, "h7", account)
    assert "still held" in said[0]  # nothing changed yet: still refused, still listed
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        apply_settings(connection, {"orders_extra_vat_rates": [19]})
        await session.commit()
    assert (await release(sessions, name, "h7", account))[0].startswith("status 1: issued")
    async with sessions() as session:
        assert not [h for h in await held_orders(session) if h["order"] == "h7"]
        documents = await session.scalar(
            select(func.count()).select_from(Document).where(Document.connection_id == cid)
        )
    assert documents == 40
