"""1,000 orders over 200 SKUs through the broker: the shop ends with the warehouses' sums."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from devtools.sandbox.catalog import add_products
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import (
    Document,
    Product,
    ShopConnection,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Databases, Processes, service_env
from tests.sandbox_fixtures import Sandbox
from tests.support import (
    INTAKE_ON,
    SAMPLE_WEBHOOK,
    multipart_body,
)

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
SKUS = [f"ST-{n:03d}" for n in range(200)]
ORDERS = 1000


def ready(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


async def test_a_thousand_orders_leave_the_shop_with_the_sum_of_the_selected_warehouses(
    tmp_path: Path, processes: Processes, databases: Databases, sandbox: Sandbox
) -> None:
    shop = sandbox.world.create_shop("stock")
    add_products(
        shop, [{"sku": s, "name": s, "price": "100", "taxRate": "27", "stock1": "0"} for s in SKUS]
    )
    url = await databases.create_async()
    await upgrade(url)
    key = Fernet.generate_key()
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await add_connection(
            session,
            CredentialCipher(key),
            account="Raktáros Kft.",
            name="stock",
            path="stock",
            auth_kind="basic",
            api_user=shop.user,
            api_secret=shop.password,
            api_url=f"{sandbox.url}/stock",
        )
        w1 = Warehouse(account_id=connection.account_id, name="Fő")
        w2 = Warehouse(account_id=connection.account_id, name="Tartalék")
        session.add_all([w1, w2])
        await session.flush()
        for sku in SKUS:
            product = Product(account_id=connection.account_id, sku=sku, name=sku)
            session.add(product)
            await session.flush()
            session.add_all(
                [
                    StockLevel(warehouse_id=w1.id, product_id=product.id, quantity=Decimal(1000)),
                    StockLevel(warehouse_id=w2.id, product_id=product.id, quantity=Decimal(50)),
                ]
            )
        apply_settings(
            connection,
            {
                **INTAKE_ON,
                "orders_stock_enabled": True,
                "orders_stock_warehouse_id": w1.id,
                "stock_enabled": True,
                "stock_mode": "upload",
                "stock_upload_warehouse_ids": [w1.id, w2.id],
            },
        )
        await session.commit()
        cid, token = (
            connection.id,
            CredentialCipher(key).decrypt(connection.webhook_token_encrypted),
        )
        account_id = connection.account_id
    ports = ("GATEWAY_PORT", "ORDER_PROCESSOR_PORT", "STOCK_SYNC_PORT", "OUTBOX_RELAY_PORT")
    env = service_env(url, key, tmp_path, processes.kafka(tmp_path, 12), *ports)
    for name in ("gateway", "order-processor", "outbox-relay", "stock-sync"):
        processes.start([SHOPSYNC, name], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rng = random.Random(12)
    template = json.loads(SAMPLE_WEBHOOK.read_text())
    hook = f"http://127.0.0.1:{env['GATEWAY_PORT']}/webhooks/shoprenter/{cid}/{token}"

    async def sums_in_shop_match() -> bool:
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(Product.sku, func.sum(StockLevel.quantity))
                    .join(StockLevel, StockLevel.product_id == Product.id)
                    .where(Product.account_id == account_id)
                    .group_by(Product.sku)
                )
            ).all()
        in_shop = {
            r.fields["sku"]: r.fields["stock1"] for r in shop.table("products").rows.values()
        }
        return all(in_shop.get(sku) == f"{total.normalize():f}" for sku, total in rows)

    def shop_total(order: dict[str, Any]) -> Decimal:
        """The order's gross as the shop computes it: each line's, then shipping."""
        lines = order["orderProducts"]["orderProduct"]
        goods = sum(
            (
                (Decimal(x["price"]) * Decimal(x["quantity"]) * Decimal("1.27")).quantize(
                    Decimal(1), ROUND_HALF_UP
                )
                for x in lines
            ),
            Decimal(0),
        )
        return goods + Decimal(order["shippingGrossPrice"])

    async def documents() -> int:
        async with sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Document)) or 0)

    for port_name in ("GATEWAY_PORT", "ORDER_PROCESSOR_PORT", "STOCK_SYNC_PORT"):
        deadline = time.monotonic() + 60
        while not ready(int(env[port_name])) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    async with aiohttp.ClientSession() as http:

        async def post(n: int, semaphore: asyncio.Semaphore) -> None:
            document = json.loads(json.dumps(template))
            order = document["orders"]["order"][0]
            order["innerId"] = f"s{n}"
            line = order["orderProducts"]["orderProduct"][0]
            order["orderProducts"]["orderProduct"] = [
                {**line, "sku": sku, "quantity": str(rng.randint(1, 2))}
                for sku in rng.sample(SKUS, rng.randint(1, 4))
            ]
            order["totalGross"] = str(shop_total(order))
            body, content_type = multipart_body("data", json.dumps(document).encode())
            async with (
                semaphore,
                http.post(hook, data=body, headers={"Content-Type": content_type}) as r,
            ):
                assert r.status == 200

        semaphore = asyncio.Semaphore(16)
        await asyncio.gather(*(post(n, semaphore) for n in range(ORDERS)))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
            await documents() == ORDERS and await sums_in_shop_match()
        ):
            await asyncio.sleep(0.5)
        assert await documents() == ORDERS
        assert await sums_in_shop_match()
        async with sessions() as session:
            movements = int(
                await session.scalar(select(func.count()).select_from(StockMovement)) or 0
            )
        calls_per_movement = shop.stats.requests / movements
        print(
            f"{movements} movements, {shop.stats.requests} API calls → "
            f"{calls_per_movement:.4f} calls per movement"
        )
        assert calls_per_movement <= 0.05

        async with sessions() as session:  # switched off mid-flight: nothing more is sent
            row = await session.get(ShopConnection, cid)
            assert row is not None
            apply_settings(row, {"stock_enabled": False})
            await session.commit()
        await asyncio.sleep(1.5)  # the worker's account cache lives one second
        writes = shop.stats.product_writes
        await asyncio.gather(*(post(ORDERS + n, semaphore) for n in range(50)))
        while await documents() < ORDERS + 50:
            await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        assert shop.stats.product_writes == writes
    await engine.dispose()
