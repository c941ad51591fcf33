"""Write-back with the status option on, through the real broker and services: the sandbox
fires the order_status_change webhook for the status ShopSync sets, it reaches the gateway,
and the order still has exactly one document (intake ignored the echo, and says why)."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox import generator
from devtools.sandbox.orders import place_order
from devtools.sandbox.store import SandboxShop
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Document
from shopsync.adapters.db.writebacks import writeback_view
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter
from shopsync.adapters.shoprenter.webhooks import HttpShoprenterWebhooks
from shopsync.service_layer.order_reports import order_report
from shopsync.service_layer.shops import add_connection, apply_settings
from shopsync.service_layer.webhook_registration import register_webhook, webhook_target
from tests.e2e.conftest import Databases, Processes, service_env
from tests.e2e.test_stock_flow import ready
from tests.sandbox_fixtures import Sandbox
from tests.support import INTAKE_ON, unique

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
SERVICES = ("gateway", "order-processor", "outbox-relay", "catalog-sync")
PORTS = ("GATEWAY_PORT", "ORDER_PROCESSOR_PORT", "OUTBOX_RELAY_PORT", "CATALOG_SYNC_PORT")
INVOICED = "4"  # the status the write-back sets ("Completed" in the sandbox)


async def test_the_status_set_by_write_back_comes_back_as_a_webhook_and_issues_nothing(
    tmp_path: Path, processes: Processes, databases: Databases, sandbox: Sandbox
) -> None:
    shop = sandbox.world.create_shop(unique("echo"))
    url = await databases.create_async()
    await upgrade(url)
    key = Fernet.generate_key()
    env = service_env(url, key, tmp_path, processes.kafka(tmp_path, 4), *PORTS)
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    engine = create_engine(url)
    sessions = session_factory(engine)
    connection_id = await _connect(sessions, CredentialCipher(key), sandbox, shop, env)
    for name in SERVICES:
        processes.start([SHOPSYNC, name], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await _all_ready(env)

    rng = random.Random(7)
    order = place_order(shop, generator.order(rng, generator.catalog(rng, 3)))
    changed = time.monotonic()
    await _set_status(sandbox, shop, order.resource_id, "2")  # the shop's webhook: invoice it
    await _until(lambda: shop.stats.webhooks_sent >= 2, 90, "the echo webhook")
    print(
        f"status change → invoice → written back → echo at the gateway: "
        f"{time.monotonic() - changed:.1f} s"
    )
    await _until(lambda: _echo_handled(sessions, str(order.inner)), 30, "the echo handled")

    async with sessions() as session:
        report = await order_report(session, "echo", str(order.inner))
        documents = (
            (await session.execute(select(Document).where(Document.connection_id == connection_id)))
            .scalars()
            .all()
        )
        view = await writeback_view(session, documents[0].id)
    await engine.dispose()
    assert [d.kind for d in documents] == ["invoice"]  # exactly one document
    assert order.fields["orderStatus"] == shop.status_id(int(INVOICED))
    assert len(shop.table("orderInvoices").rows) == 1
    assert view is not None and view["state"] == "done" and view["status_set"] is True
    echo = [e for e in report["history"] if e["status"] == INVOICED]
    assert [e["result"] for e in echo] == ["ignored"]
    assert "writing the invoice back" in echo[0]["note"]
    assert shop.stats.webhooks_failed == 0


async def _connect(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    sandbox: Sandbox,
    shop: SandboxShop,
    env: dict[str, str],
) -> int:
    """Every status an invoice, status 4 set after write-back; the hook points at the gateway."""
    async with sessions() as session:
        connection = await add_connection(
            session,
            cipher,
            account="Visszaírás Kft.",
            name="echo",
            path="echo",
            auth_kind="basic",
            api_user=shop.user,
            api_secret=shop.password,
            api_url=f"{sandbox.url}/{shop.name}",
        )
        apply_settings(connection, {**INTAKE_ON, "writeback_status_id": INVOICED})
        await session.commit()
        target = webhook_target(env["PUBLIC_BASE_URL"], connection, cipher)
        async with aiohttp.ClientSession() as http:
            client = HttpShoprenterClient(sandbox.basic(shop), http, ShopRateLimiter())
            await register_webhook(HttpShoprenterWebhooks(client), target)
        return connection.id


async def _set_status(sandbox: Sandbox, shop: SandboxShop, order_id: str, status: str) -> None:
    """The shop owner changes the order's status (the sandbox then sends the webhook)."""
    async with aiohttp.ClientSession() as http:
        client = HttpShoprenterClient(sandbox.basic(shop), http, ShopRateLimiter())
        await client.put(f"orders/{order_id}", {"orderStatus": {"id": shop.status_id(int(status))}})


async def _echo_handled(sessions: async_sessionmaker[AsyncSession], order_ref: str) -> bool:
    """Whether the order's history has the write-back status in it (handled, one way or other)."""
    async with sessions() as session:
        report = await order_report(session, "echo", order_ref)
    return any(e["status"] == INVOICED for e in report["history"])


async def _all_ready(env: dict[str, str]) -> None:
    for port_name in PORTS:
        deadline = time.monotonic() + 60
        while not ready(int(env[port_name])):
            assert time.monotonic() < deadline, f"{port_name} not ready"
            await asyncio.sleep(0.2)


async def _until(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        done = check()
        if asyncio.iscoroutine(done):
            done = await done
        if done:
            return
        assert time.monotonic() < deadline, f"waited {timeout_s} s for {what}"
        await asyncio.sleep(0.2)
