"""`shopsync shops connect`, `check`, `rotate-token` and `enable` against the sandbox's shop."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet

from devtools.sandbox.store import SandboxShop
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import OrderStateRow
from shopsync.entrypoints.cli.main import cli
from tests.sandbox_fixtures import Sandbox
from tests.support import free_port

pytestmark = pytest.mark.integration
BASE = "https://shopsync.example"


class Shopsync:
    """The CLI in a thread of its own (it runs its own event loop) while the sandbox serves."""

    def __init__(self, tmp_path: Path) -> None:
        self.env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 's.db'}",
            "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
            "SHOPSYNC_VAR_DIR": str(tmp_path),
            "PUBLIC_BASE_URL": BASE,
        }

    async def __call__(self, *args: str, code: int = 0) -> str:
        result: Result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=self.env)
        assert result.exit_code == code, result.output
        return result.output

    async def webhook_url(self, name: str) -> str:
        return str(json.loads(await self("shops", "show", name, "--json"))["webhook_url"])


def hooks(shop: SandboxShop) -> list[tuple[str, str, str]]:
    rows = [row.fields for row in shop.table("webHooks").rows.values()]
    return [(f["event"], _url(f["webHookParameters"]), f["status"]) for f in rows]


def _url(params: Any) -> str:
    return str((params[0] if isinstance(params, list) else params)["url"])


async def connected(
    shopsync: Shopsync, sandbox: Sandbox, api_url: str | None = None
) -> SandboxShop:
    shop = sandbox.shop()
    await shopsync(
        "shops", "add", "s", "--path", "s", "--api-user", shop.user,
        "--api-secret", shop.password, "--api-url", api_url or f"{sandbox.url}/{shop.name}",
    )  # fmt: skip
    return shop


async def test_connect_registers_one_webhook_a_second_changes_nothing_and_rotate_repoints_it(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    shopsync = Shopsync(tmp_path)
    shop = await connected(shopsync, sandbox)
    assert "s: webhook created (order_status_change" in await shopsync("shops", "connect", "s")
    assert "s: webhook already registered" in await shopsync("shops", "connect", "s")
    first = await shopsync.webhook_url("s")
    assert hooks(shop) == [("order_status_change", first, "1")]
    rotated = await shopsync("shops", "rotate-token", "s")
    assert "the shop's webhook: updated" in rotated
    second = await shopsync.webhook_url("s")
    assert second != first and hooks(shop) == [("order_status_change", second, "1")]
    checked = await shopsync("shops", "check", "s")
    assert all(line.startswith("ok ") for line in checked.splitlines()), checked
    assert second.rsplit("/", 1)[1] not in checked and shop.password not in checked
    await _order_event_processed(shopsync.env["DATABASE_URL"])
    assert "ok last order event processed " in await shopsync("shops", "check", "s")


async def _order_event_processed(url: str) -> None:
    """What the order processor leaves when it handled one of the connection's webhooks."""
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        session.add(OrderStateRow(connection_id=1, order_ref="1042", state={}))
        await session.commit()
    await engine.dispose()


async def test_check_says_a_missing_or_stale_webhook_and_the_command_that_fixes_it(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    shopsync = Shopsync(tmp_path)
    shop = await connected(shopsync, sandbox)
    missing = await shopsync("shops", "check", "s", code=1)
    assert "ok credentials accepted" in missing
    assert (
        "FAIL no order_status_change webhook sends to ShopSync — shopsync shops connect s"
        in missing
    )
    assert "ok no order event processed yet" in missing
    await shopsync("shops", "connect", "s")
    old = await shopsync.webhook_url("s")
    shop.faults.fail_next = 10  # the shop is down while the token is rotated
    told = await shopsync("shops", "rotate-token", "s")
    assert "the shop's webhook is not updated" in told and "shopsync shops connect s" in told
    shop.faults.fail_next = 0
    assert hooks(shop) == [("order_status_change", old, "1")]
    stale = await shopsync("shops", "check", "s", code=1)
    assert "FAIL webhook URL has an old token: it was rotated since — shopsync shops connect s" in (
        stale
    )
    assert "s: webhook updated" in await shopsync("shops", "connect", "s")
    await shopsync("shops", "check", "s")


async def test_switching_order_intake_on_registers_the_webhook_and_leaves_foreign_ones(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    shopsync = Shopsync(tmp_path)
    shop = await connected(shopsync, sandbox)
    foreign = ("order_status_change", "https://erp.example/hook", "1")
    shop.table("webHooks").insert(
        {"event": foreign[0], "status": "1", "label": "ERP",
         "webHookParameters": [{"type": "json", "url": foreign[1]}]}
    )  # fmt: skip
    enabled = await shopsync("shops", "enable", "s", "--feature", "orders")
    assert "s: orders_enabled = True" in enabled and "the shop's webhook: created" in enabled
    assert hooks(shop) == [foreign, ("order_status_change", await shopsync.webhook_url("s"), "1")]
    again = await shopsync("shops", "set", "s", "orders_enabled=true")
    assert "the shop's webhook: already registered" in again
    assert len(hooks(shop)) == 2


async def test_a_shop_out_of_reach_fails_check_and_connect_with_one_line_each(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    shopsync = Shopsync(tmp_path)
    await connected(shopsync, sandbox, api_url=f"http://127.0.0.1:{free_port()}/s")
    checked = await shopsync("shops", "check", "s", code=1)
    assert checked.startswith("FAIL API at http://127.0.0.1:")
    assert "shopsync shops show s" in checked
    refused = await shopsync("shops", "connect", "s", code=1)
    assert "the webhook could not be registered" in refused and "Traceback" not in refused
