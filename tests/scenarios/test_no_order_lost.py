"""No order lost: 300 orders over a minute, webhooks lost to a stopped gateway or to a restarted
embedded broker, and order reconciliation gives every order exactly one document.

The sandbox places the orders and the shop owner moves each to an invoicing status, which sends
Shoprenter's `order_status_change` webhook (once, never retried) to the hook `shops connect`
registered. Reconciliation polls every INTERVAL_S; every order must have its one invoice within
two intervals of the last order placed.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from devtools.sandbox import generator
from devtools.sandbox.store import SandboxShop
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Databases, Processes, service_env
from tests.e2e.test_stock_flow import ready
from tests.nav_check import TEST_SUPPLIER
from tests.sandbox_fixtures import Sandbox
from tests.support import INTAKE_ON, free_port, stop_process

pytestmark = pytest.mark.scenario
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
ORDERS = 300
PLACING_S = 60.0
INTERVAL_S = 10
INVOICING_STATUS = 2  # any status but the cancellation's (7) issues an invoice (INTAKE_ON)


@dataclass
class Scene:
    shop: SandboxShop
    sandbox: Sandbox
    database_url: str
    env: dict[str, str]
    http: aiohttp.ClientSession

    async def cli(self, *args: str) -> str:
        """A `shopsync` command, run while this loop keeps serving the sandbox."""
        run = await asyncio.create_subprocess_exec(
            SHOPSYNC, *args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        out, _ = await asyncio.wait_for(run.communicate(), 60)
        assert run.returncode == 0, out.decode()
        return out.decode()

    async def place_and_invoice(self, rng: random.Random, catalog: list[dict[str, Any]]) -> str:
        """A customer orders; the owner sets the invoicing status (the webhook goes out)."""
        admin = f"{self.sandbox.url}/_sandbox/shops/{self.shop.name}/orders"
        async with self.http.post(admin, json=generator.order(rng, catalog)) as placed:
            inner = str((await placed.json())["innerId"])
        async with self.http.post(f"{admin}/{inner}/status", json={"status": INVOICING_STATUS}):
            pass
        return inner

    async def invoices_by_order(self) -> Counter[str]:
        engine = create_engine(self.database_url)
        async with session_factory(engine)() as session:
            refs = (await session.execute(select(Document.order_ref, Document.kind))).all()
        await engine.dispose()
        assert {kind for _, kind in refs} <= {"invoice"}, refs
        return Counter(ref for ref, _ in refs)


@pytest.fixture
async def scene(tmp_path: Path, databases: Databases, sandbox: Sandbox) -> AsyncIterator[Scene]:
    shop = sandbox.world.create_shop("lossless")
    url = await databases.create_async()
    await upgrade(url)
    key = Fernet.generate_key()
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        connection = await add_connection(
            session,
            CredentialCipher(key),
            account="Veszteségmentes Kft.",
            name="lossless",
            path=shop.name,
            auth_kind="basic",
            api_user=shop.user,
            api_secret=shop.password,
            api_url=f"{sandbox.url}/{shop.name}",
        )
        apply_settings(connection, {**INTAKE_ON, "orders_reconcile_interval_s": INTERVAL_S})
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
    await engine.dispose()
    env = {
        "DATABASE_URL": url,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(tmp_path),
    }
    async with aiohttp.ClientSession() as http:
        yield Scene(shop, sandbox, url, {**os.environ, **env}, http)


async def place_orders(
    scene: Scene, faults: dict[float, Callable[[], Awaitable[None]]]
) -> list[str]:
    """ORDERS orders evenly over PLACING_S; each fault runs at its second into the run."""
    rng = random.Random(300)
    catalog = generator.catalog(rng, 20)
    started = time.monotonic()
    pending = sorted(faults.items())
    placed = []
    for n in range(ORDERS):
        due = started + n * PLACING_S / ORDERS
        while pending and pending[0][0] <= due - started:
            await pending.pop(0)[1]()
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        placed.append(await scene.place_and_invoice(rng, catalog))
    for _, fault in pending:
        await fault()
    return placed


async def every_order_invoiced_once(scene: Scene, placed: list[str], returned: float) -> float:
    """Seconds from the fault's end until every order had its one invoice.

    The bound is the acceptance's: two reconciliation intervals after the gateway or broker
    returned, or (for the orders placed after that, whose webhooks arrive) a few seconds after
    the last order.
    """
    deadline = max(returned + 2 * INTERVAL_S, time.monotonic() + 5)
    while True:
        counted = await scene.invoices_by_order()
        if set(counted) >= set(placed) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    waited = time.monotonic() - returned
    missing = set(placed) - set(counted)
    assert not missing, f"{len(missing)} orders without a document {waited:.0f} s after the fault"
    assert set(counted) == set(placed)
    doubled = {ref: n for ref, n in counted.items() if n > 1}
    assert not doubled, f"doubled: {doubled}"
    return waited


async def recovered(port: str, at_least: float) -> float:
    """Orders the poll published (its pass counts them once it ends, after their documents)."""
    deadline = time.monotonic() + 3 * INTERVAL_S
    while (seen := metric(port, "shopsync_orders_recovered_total")) < at_least:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    return seen


def metric(port: str, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return sum(float(line.split()[-1]) for line in lines if line.startswith(name + " "))


async def wait_ready(*ports: str) -> None:
    for port in ports:
        deadline = time.monotonic() + 90
        while not ready(int(port)):
            assert time.monotonic() < deadline, f"nothing ready on {port}"
            await asyncio.sleep(0.3)


async def test_webhooks_lost_while_the_gateway_is_stopped_for_40_s_are_recovered_once_each(
    tmp_path: Path, processes: Processes, scene: Scene
) -> None:
    bootstrap = processes.kafka(tmp_path, 12)
    ports = ("GATEWAY_PORT", "ORDER_PROCESSOR_PORT", "CATALOG_SYNC_PORT")
    scene.env = service_env(
        scene.database_url, scene.env["SHOPSYNC_SECRET_KEY"].encode(), tmp_path, bootstrap, *ports
    )
    scene.env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{scene.env['GATEWAY_PORT']}"

    def start(name: str) -> subprocess.Popen[Any]:
        with (tmp_path / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            return processes.start([SHOPSYNC, name], scene.env, stdout=log, stderr=log)

    gateway = {"process": start("gateway")}
    start("order-processor")
    start("catalog-sync")
    await wait_ready(*(scene.env[p] for p in ports))
    assert "created" in await scene.cli("shops", "connect", "lossless")

    async def stop_gateway() -> None:
        await asyncio.to_thread(stop_process, gateway["process"])

    returned = {"at": 0.0}

    async def start_gateway() -> None:
        gateway["process"] = start("gateway")
        returned["at"] = time.monotonic()

    placed = await place_orders(scene, {10.0: stop_gateway, 50.0: start_gateway})
    waited = await every_order_invoiced_once(scene, placed, returned["at"])
    stats = scene.shop.stats
    polled = await recovered(scene.env["CATALOG_SYNC_PORT"], stats.webhooks_failed)
    print(
        f"webhooks delivered {stats.webhooks_sent}, failed {stats.webhooks_failed}; recovered by "
        f"polling {polled:.0f}; every order invoiced {waited:.1f} s after the gateway returned"
    )
    assert stats.webhooks_failed >= ORDERS * 0.6  # the 40 s the gateway was away: lost webhooks
    assert stats.webhooks_sent >= ORDERS * 0.2  # and the webhooks before and after it
    assert polled >= stats.webhooks_failed


def _pids(marker: str, word: bytes) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and marker.encode() in (entry / "environ").read_bytes()
                and word in (entry / "cmdline").read_bytes()
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def test_events_lost_with_a_restarted_embedded_broker_are_recovered_once_each(
    tmp_path: Path, processes: Processes, scene: Scene
) -> None:
    marker = f"scenario-{tmp_path.name}"
    ports = {
        name: str(free_port())
        for name in (
            "EMBEDDED_KAFKA_PORT",
            "GATEWAY_PORT",
            "ORDER_PROCESSOR_PORT",
            "ORDER_MAILER_PORT",
            "OUTBOX_RELAY_PORT",
            "CATALOG_SYNC_PORT",
            "STOCK_SYNC_PORT",
            "CONSOLE_PORT",
            "NAV_REPORTER_PORT",
        )
    }
    scene.env = (
        {k: v for k, v in scene.env.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
        | ports
        | {
            "SHOPSYNC_SCENARIO_MARKER": marker,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['GATEWAY_PORT']}",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
    )
    with (tmp_path / "up.log").open("ab") as log:
        processes.start([SHOPSYNC, "up"], scene.env, stdout=log, stderr=log)
    await wait_ready(
        ports["GATEWAY_PORT"], ports["ORDER_PROCESSOR_PORT"], ports["CATALOG_SYNC_PORT"]
    )
    assert "created" in await scene.cli("shops", "connect", "lossless")
    [processor] = _pids(marker, b"order-processor")

    async def hold_the_processor() -> None:  # acknowledged events pile up in the broker
        os.kill(processor, signal.SIGSTOP)

    killed = {"at": 0.0}

    async def kill_the_broker() -> None:  # and go with its memory
        [broker] = _pids(marker, b"tansu")
        os.kill(broker, signal.SIGKILL)
        os.kill(processor, signal.SIGCONT)
        killed["at"] = time.monotonic()  # `up` starts it again at once

    placed = await place_orders(scene, {20.0: hold_the_processor, 26.0: kill_the_broker})
    waited = await every_order_invoiced_once(scene, placed, killed["at"])
    stats = scene.shop.stats
    # ~30 webhooks acknowledged while the processor was held went with the broker's memory.
    polled = await recovered(ports["CATALOG_SYNC_PORT"], stats.webhooks_failed + 20)
    print(
        f"webhooks delivered {stats.webhooks_sent}, failed {stats.webhooks_failed}; recovered by "
        f"polling {polled:.0f}; every order invoiced {waited:.1f} s after the broker was killed; "
        f"busiest second at the shop {stats.max_per_second}, 429s {stats.by_status[429]}"
    )
    assert "restarted empty" in (tmp_path / "up.log").read_text()
    assert polled >= stats.webhooks_failed + 20
