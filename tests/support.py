"""Helpers the test tiers share: ports, throwaway databases, the embedded broker, multipart."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
#: Shoprenter's sample order webhook, verbatim (its numbers are not internally consistent).
SAMPLE_WEBHOOK = ROOT / "tests" / "fixtures" / "webhook_order_status_change.json"
PG_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def env_settings(**variables: Any) -> Any:
    """Settings as the environment would give them: `env_settings(DATABASE_URL=...)`."""
    from shopsync.settings import Settings

    return Settings(**variables)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def create_pg_database() -> tuple[str, str]:
    """A new empty PostgreSQL database: (its name, its SQLAlchemy URL)."""
    name = unique("shopsync_test_")
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return name, f"{base}/{name}"


async def drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def multipart_body(
    field: str, value: bytes, boundary: str = "------------------------sR7x"
) -> tuple[bytes, str]:
    """A body the way Shoprenter sends it: one form field, multipart/form-data."""
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'.encode()
        + value
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def wait_until(predicate: Callable[[], Any], timeout_s: float, interval_s: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        time.sleep(interval_s)


async def async_wait_until(
    predicate: Callable[[], Any], timeout_s: float, interval_s: float = 0.1
) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = await predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(interval_s)


def stop_process(proc: subprocess.Popen[Any], timeout_s: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            proc.kill()
            proc.wait()


async def database_with_connection(url: str, cipher: Any) -> str:
    """Migrate the database at `url`, connect one shop; its webhook path (/webhooks/…)."""
    from shopsync.adapters.db.engine import create_engine, session_factory
    from shopsync.adapters.db.migrate import upgrade

    await upgrade(url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            connection = await shop_connection(session, cipher, unique("a-"))
            await session.commit()
            token = cipher.decrypt(connection.webhook_token_encrypted)
            return f"/webhooks/shoprenter/{connection.id}/{token}"
    finally:
        await engine.dispose()


#: Order intake switched on as an operator would: status 7 cancels, every other status is an
#: invoice. A new connection has all of it off (tested in test_connection_settings).
INTAKE_ON: dict[str, Any] = {
    "orders_enabled": True,
    "orders_cancel_status_ids": ["7"],
    "orders_auto_accept": True,
    "orders_default_kind": "invoice",
}


async def shop_connection(session: Any, cipher: Any, account: str, **settings: Any) -> Any:
    """A Basic-auth connection named "s" of a fresh account, intake on, settings applied."""
    from shopsync.service_layer.shops import add_connection, apply_settings

    connection = await add_connection(
        session,
        cipher,
        account=account,
        name="s",
        path="s",
        auth_kind="basic",
        api_user="u",
        api_secret="p",
    )
    apply_settings(connection, {**INTAKE_ON, **settings})
    return connection


def make_order(
    items: list[Any],
    *,
    total_gross: Decimal | None = None,
    currency: str = "HUF",
    shipping: Decimal = Decimal(0),
    coupon: Decimal = Decimal(0),
    buyer: Any = None,
) -> Any:
    """A paid-on-delivery order of `items` (OrderItem) for the pure domain's tests."""
    from shopsync.domain.orders import Buyer, Charge, ChargeKind, Order

    return Order(
        order_id="1001",
        status_id="1",
        status_text="Függőben",
        status_at=None,
        currency=currency,
        items=tuple(items),
        charges=tuple(
            charge
            for charge in (
                Charge(ChargeKind.SHIPPING, "GLS futár", shipping),
                Charge(ChargeKind.COUPON, "Kupon NYAR10", -abs(coupon)),
            )
            if charge.gross
        ),
        payment_method="Utánvét",
        payment_method_code="COD",
        total_gross=total_gross,
        buyer=buyer
        or Buyer(
            name="Kovács Éva",
            company="",
            tax_number="",
            email="eva@example.hu",
            country="Magyarország",
            country_code="HU",
            postcode="1011",
            city="Budapest",
            address="Fő u. 1",
        ),
    )


async def stocked_warehouse(
    session: Any, account_id: int, skus: dict[str, Decimal], name: str = "W"
) -> tuple[int, dict[str, int]]:
    """A warehouse holding these quantities of new products: (its id, product ids by SKU)."""
    from shopsync.adapters.db.models import Product, StockLevel, Warehouse

    warehouse = Warehouse(account_id=account_id, name=name)
    session.add(warehouse)
    products = {sku: Product(account_id=account_id, sku=sku, name=sku) for sku in skus}
    session.add_all(products.values())
    await session.flush()
    session.add_all(
        StockLevel(warehouse_id=warehouse.id, product_id=p.id, quantity=skus[sku])
        for sku, p in products.items()
    )
    return warehouse.id, {sku: p.id for sku, p in products.items()}


def order_value(raw: bytes | None) -> dict[str, Any]:
    """A message on the shared broker's order topic, or {} for what is no order event (other
    tests put poison there on purpose, e.g. a dead letter replayed from the console)."""
    try:
        value = json.loads(raw or b"null")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
