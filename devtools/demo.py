"""`shopsync up --demo`: a sandbox shop connected to the pipeline, placing orders every few s."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from decimal import Decimal
from typing import Any

import aiohttp
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from devtools.sandbox import generator
from devtools.sandbox.catalog import add_products
from devtools.sandbox.store import SandboxWorld
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Product, ProductGroup, ShopConnection, StockLevel, Warehouse
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.ids import encode_id
from shopsync.service_layer.shops import (
    add_connection,
    apply_settings,
    find_connection,
    webhook_url,
)
from shopsync.settings import Settings

log = logging.getLogger("devtools.demo")
DEMO_SHOP = "demo"
DEMO_USER, DEMO_PASSWORD = "demo-api", "demo-password"
DEMO_PRODUCTS = 300
WAREHOUSES = ("Budapest raktár", "Debrecen raktár")
PAID, CANCELLED = 6, 5  # the sandbox's order status ids
DEMO_EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z


def demo_catalog() -> list[dict[str, Any]]:
    return generator.catalog(random.Random(2026), DEMO_PRODUCTS, prefix="DEMO")


async def prepare(settings: Settings, sandbox_url: str) -> str:
    """Connect the demo shop, mirror its catalog locally with stock, register its webhooks."""
    cipher = CredentialCipher(load_or_create_key(settings))
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    api_url = f"{sandbox_url}/{DEMO_SHOP}"
    async with sessions() as session:
        connection = await find_connection(session, DEMO_SHOP, "demo")
        if connection is None:
            connection = await add_connection(
                session,
                cipher,
                account="demo",
                name=DEMO_SHOP,
                path=DEMO_SHOP,
                auth_kind="basic",
                api_user=DEMO_USER,
                api_secret=DEMO_PASSWORD,
                api_url=api_url,
            )
        warehouse_ids = []
        for name in WAREHOUSES:
            warehouse = (
                await session.execute(
                    select(Warehouse).where(
                        Warehouse.account_id == connection.account_id, Warehouse.name == name
                    )
                )
            ).scalar_one_or_none()
            if warehouse is None:
                warehouse = Warehouse(account_id=connection.account_id, name=name)
                session.add(warehouse)
                await session.flush()
            warehouse_ids.append(warehouse.id)
        await _mirror_catalog(session, connection, warehouse_ids)
        apply_settings(
            connection,
            {
                "api_url": api_url,
                "orders_enabled": True,
                "orders_cancel_status_ids": [str(CANCELLED)],
                "orders_auto_accept": True,
                "orders_stock_enabled": True,
                "orders_stock_warehouse_id": warehouse_ids[0],
                "stock_enabled": True,
                "stock_mode": "upload",
                "orders_status_rules": {"1": "proforma", str(PAID): "invoice"},
                "stock_upload_warehouse_ids": warehouse_ids,
                "products_download_enabled": True,
            },
        )
        await session.commit()
        hook_url = webhook_url(settings.webhook_base_url, connection, cipher)
    await engine.dispose()
    await _register_webhooks(api_url, hook_url)
    return hook_url


async def _mirror_catalog(
    session: AsyncSession, connection: ShopConnection, warehouse_ids: list[int]
) -> None:
    existing = set(
        (
            await session.execute(
                select(Product.sku).where(Product.account_id == connection.account_id)
            )
        ).scalars()
    )
    groups: dict[str, int] = {}
    for item in demo_catalog():
        if item["sku"] in existing:
            continue
        if item["category"] not in groups:
            group = (
                await session.execute(
                    select(ProductGroup).where(
                        ProductGroup.account_id == connection.account_id,
                        ProductGroup.name == item["category"],
                    )
                )
            ).scalar_one_or_none()
            if group is None:
                group = ProductGroup(account_id=connection.account_id, name=item["category"])
                session.add(group)
                await session.flush()
            groups[item["category"]] = group.id
        product = Product(
            account_id=connection.account_id,
            sku=item["sku"],
            name=item["name"],
            group_id=groups[item["category"]],
            net_price=Decimal(item["price"]),
            vat_rate=Decimal(item["taxRate"]),
        )
        session.add(product)
        await session.flush()
        for warehouse_id in warehouse_ids:
            session.add(
                StockLevel(
                    warehouse_id=warehouse_id,
                    product_id=product.id,
                    quantity=Decimal(int(item["stock1"]) // 2 + 5),
                )
            )


async def _register_webhooks(api_url: str, hook_url: str) -> None:
    access = ShopAccess(DEMO_SHOP, "basic", DEMO_USER, SecretStr(DEMO_PASSWORD), api_url=api_url)
    async with aiohttp.ClientSession() as http:
        client = HttpShoprenterClient(access, http)
        hooks = [h async for h in client.iterate("webHooks")]
        for event in ("order_confirm", "order_status_change"):
            if any(h.get("event") == event for h in hooks):
                continue
            await client.post(
                "webHooks",
                {
                    "event": event,
                    "status": "1",
                    "label": f"ShopSync {event}",
                    "webHookParameters": [{"type": "json", "url": hook_url}],
                },
            )


async def drive_orders(sandbox_url: str, interval_s: float = 4.0) -> None:
    """Place an order every interval; now and then mark an earlier one paid, or cancel one."""
    rng = random.Random()
    catalog = demo_catalog()
    placed: list[str] = []
    access = ShopAccess(
        DEMO_SHOP,
        "basic",
        DEMO_USER,
        SecretStr(DEMO_PASSWORD),
        api_url=f"{sandbox_url}/{DEMO_SHOP}",
    )
    async with aiohttp.ClientSession() as http:
        client = HttpShoprenterClient(access, http)
        while True:
            await asyncio.sleep(interval_s)
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                spec = generator.order(rng, catalog)
                async with http.post(
                    f"{sandbox_url}/_sandbox/shops/{DEMO_SHOP}/orders", json=spec
                ) as response:
                    placed.append((await response.json())["id"])
                if len(placed) > 2 and rng.random() < 0.4:
                    order_id = placed.pop(0)
                    status = CANCELLED if rng.random() < 0.15 else PAID
                    await client.put(
                        f"orders/{order_id}", {"orderStatus": {"id": _status_id(status)}}
                    )


def _status_id(inner: int) -> str:
    return encode_id("orderStatus", order_status_id=inner)


def seed_demo_shop(world: SandboxWorld) -> None:
    """The demo shop in the sandbox: credentials, categories and products with stock."""
    shop = world.create_shop(DEMO_SHOP, user=DEMO_USER, password=DEMO_PASSWORD)
    add_products(shop, demo_catalog())
    # The sandbox forgets its orders when it stops; a shop's order numbers never restart.
    # Numbering from the seconds since 2026 keeps every run's orders new to ShopSync (an
    # order every few seconds never catches up with the clock).
    shop.table("orders").next_inner = int(time.time()) - DEMO_EPOCH
