"""Stock sync against the sandbox over HTTP: sums of warehouses up, one warehouse down."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import aiohttp
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox.catalog import add_products
from services.stock_sync.download import StockDownloader
from services.stock_sync.metrics import stock_metrics
from services.stock_sync.upload import StockUploader
from services.stock_sync.worker import StockWorker
from shopsync.adapters.db.models import (
    OutboxMessage,
    Product,
    ShopConnection,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shopsync.adapters.kafka.contracts import check
from shopsync.adapters.kafka.records import StockMoved
from shopsync.adapters.kafka.topics import STOCK_MOVEMENTS
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.stock_owed import RETRY_FIRST_S, StockOwed
from shopsync.service_layer.shops import apply_settings
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration
SKUS = ["S-1", "S-2", "S-3"]


async def stocked(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, **settings: object
) -> tuple[int, int, list[int]]:
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("a-"))
        aid = connection.account_id
        warehouses = [Warehouse(account_id=aid, name=n) for n in ("A", "B", "C")]
        session.add_all(warehouses)
        await session.flush()
        for n, sku in enumerate(SKUS):
            product = Product(account_id=aid, sku=sku, name=sku)
            session.add(product)
            await session.flush()
            for warehouse, quantity in zip(warehouses, (5 + n, 7, 100), strict=True):
                session.add(
                    StockLevel(
                        warehouse_id=warehouse.id, product_id=product.id, quantity=Decimal(quantity)
                    )
                )
        ids = [w.id for w in warehouses]
        apply_settings(
            connection,
            {
                "stock_enabled": True,
                "stock_mode": "upload",
                "stock_upload_warehouse_ids": ids[:2],
                **settings,
            },
        )
        await session.commit()
        return connection.id, aid, ids


def shop_stock(shop, field: str = "stock1") -> dict[str, str]:
    return {r.fields["sku"]: r.fields[field] for r in shop.table("products").rows.values()}


async def test_owed_skus_get_the_sum_of_the_selected_warehouses_in_few_calls(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27"} for s in SKUS])
    cid, _, _ = await stocked(sessions, cipher, stock_field="stock2")
    owed = StockOwed()
    for _ in range(50):  # fifty movements of these SKUs within one window
        for sku in SKUS:
            owed.add([cid], sku)
    client = client_for(sandbox.basic(shop), http)
    uploader = StockUploader(sessions)
    report = await uploader.push(cid, owed.take()[cid], client)
    assert shop_stock(shop, "stock2") == {"S-1": "12", "S-2": "13", "S-3": "14"}  # A + B, not C
    assert report.skus_pushed == 3 and report.api_calls == 2  # one lookup batch, one push batch
    again = await uploader.push(cid, set(SKUS), client)
    assert again.api_calls == 1  # remote ids remembered: just the push
    assert owed.movements / (report.api_calls + again.api_calls) >= 20


async def test_a_connection_switched_off_sends_nothing_more(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27"} for s in SKUS])
    cid, _, _ = await stocked(sessions, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        apply_settings(connection, {"stock_mode": "off"})
        await session.commit()
    before = shop.stats.requests
    report = await StockUploader(sessions).push(
        cid, set(SKUS), client_for(sandbox.basic(shop), http)
    )
    assert (report.dropped, shop.stats.requests) == (3, before)


async def test_download_writes_the_shops_stock_into_the_chosen_warehouse_only(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(
        shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27", "stock1": "9"} for s in SKUS]
    )
    cid, aid, (a, b, c) = await stocked(sessions, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        apply_settings(
            connection,
            {"stock_enabled": True, "stock_mode": "download", "stock_download_warehouse_id": b},
        )
        await session.commit()
    report = await StockDownloader(sessions).run(cid, client_for(sandbox.basic(shop), http))
    assert report.adjusted == 3
    async with sessions() as session:
        levels = {
            (w, q)
            for w, q in (
                await session.execute(
                    select(StockLevel.warehouse_id, StockLevel.quantity)
                    .join(Product, Product.id == StockLevel.product_id)
                    .where(Product.account_id == aid, Product.sku == "S-1")
                )
            ).all()
        }
        reasons = (
            await session.execute(
                select(StockMovement.reason, StockMovement.quantity).where(
                    StockMovement.account_id == aid
                )
            )
        ).all()
        announced = (
            await session.execute(
                select(OutboxMessage.topic, OutboxMessage.payload).where(
                    OutboxMessage.key.in_([f"{aid}:{sku}" for sku in SKUS])
                )
            )
        ).all()
    assert levels == {(a, Decimal(5)), (b, Decimal(9)), (c, Decimal(100))}
    assert sorted(reasons) == [("download", Decimal(2))] * 3  # 7 → 9, kept as history
    # Like every other writer's movement, each is announced: other shops uploading the
    # warehouse hear of it now, not at the next reconciliation.
    moved = [json.loads(payload) for _, payload in announced]
    for record in moved:
        check(record["schema"], record)
    assert {topic for topic, _ in announced} == {STOCK_MOVEMENTS}
    assert sorted(
        (m["sku"], m["warehouse_id"], Decimal(m["quantity"]), m["reason"]) for m in moved
    ) == [(sku, b, Decimal(2), "download") for sku in sorted(SKUS)]


async def test_reconciliation_finds_and_fixes_only_the_drifted_skus(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27"} for s in SKUS])
    cid, _, _ = await stocked(sessions, cipher)
    client = client_for(sandbox.basic(shop), http)
    uploader = StockUploader(sessions)
    await uploader.push(cid, set(SKUS), client)
    row = next(r for r in shop.table("products").rows.values() if r.fields["sku"] == "S-2")
    row.fields["stock1"] = "3"  # someone edited the shop's stock by hand
    assert await uploader.drifted(cid, client) == {"S-2"}
    await uploader.push(cid, {"S-2"}, client)
    assert await uploader.drifted(cid, client) == set()
    assert shop_stock(shop)["S-2"] == "13"


async def test_a_failed_push_is_owed_again_after_a_pause_not_forgotten(
    sandbox: Sandbox,
    http: aiohttp.ClientSession,
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
) -> None:
    shop = sandbox.shop()
    add_products(shop, [{"sku": s, "name": s, "price": "1", "taxRate": "27"} for s in SKUS])
    cid, aid, _ = await stocked(sessions, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, cid)
        assert connection is not None
        sandbox.point(connection, shop, cipher)
        await session.commit()
    now = [1000.0]
    registry = CollectorRegistry()
    worker = StockWorker(
        sessions,
        cipher,
        stock_metrics(registry),
        lambda: http,
        shop_api_metrics(registry).throttled_for("stock"),
        owed=StockOwed(clock=lambda: now[0]),
        retry=RetryPolicy(max_attempts=2, base_s=0.01),
    )
    for sku in SKUS:
        await worker.on_movement(moved(aid, sku))
    shop.faults.fail_next = 2  # both attempts of the first call: the shop is down
    await worker.flush()
    assert set(shop_stock(shop).values()) == {"0"}  # nothing reached the shop
    assert registry.get_sample_value("shopsync_stock_api_errors_total") == 1
    assert registry.get_sample_value("shopsync_stock_owed_skus") == 3
    requests = shop.stats.requests
    await worker.flush()  # a second later: the shop is left alone during the pause
    assert shop.stats.requests == requests
    now[0] += RETRY_FIRST_S
    shop.faults.throttle_next, shop.faults.retry_after = 1, 1  # then a 429: waited out
    await worker.flush()
    assert shop_stock(shop) == {"S-1": "12", "S-2": "13", "S-3": "14"}
    assert registry.get_sample_value("shopsync_stock_owed_skus") == 0
    throttled = {"use": "stock"}
    assert registry.get_sample_value("shopsync_shop_api_throttled_total", throttled) == 1


def moved(account_id: int, sku: str) -> StockMoved:
    return StockMoved(
        event_id=unique("m"),
        movement_id=1,
        account_id=account_id,
        warehouse_id=1,
        sku=sku,
        quantity=Decimal(-1),
        reason="order",
        document_id=None,
        created_at=datetime.now(UTC),
    )
