"""The console registers the shop's webhook when order intake is switched on, as `shops set`
does, and checks the connection on demand as `shops check` does (sandbox shop over HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from devtools.sandbox.store import SandboxShop
from shopsync.adapters.db.models import AuditEntry
from tests.console.conftest import PUBLIC_BASE, Console

pytestmark = pytest.mark.integration

INTAKE = {
    "tab": "orders",
    "orders_enabled": "on",
    "orders_status_rules": "1: proforma\n6: invoice",
    "orders_cancel_status_ids": "7",
}


def _hooks(shop: SandboxShop) -> list[tuple[str, str]]:
    rows = [row.fields for row in shop.table("webHooks").rows.values()]
    return [(f["event"], _url(f["webHookParameters"])) for f in rows]


def _url(params: Any) -> str:
    return str((params[0] if isinstance(params, list) else params)["url"])


async def _save_orders(console: Console, visitor: Any, form: dict[str, str]) -> str:
    path = f"/shops/{console.shop_id}?tab=orders"
    token = await visitor.token(path)
    status, _, response = await visitor.post(
        f"/shops/{console.shop_id}/settings?tab=orders", {"csrf": token, **form}
    )
    assert status == 303, response.headers
    return str((await visitor.get(response.headers["Location"]))[1])


async def _check(console: Console, visitor: Any) -> tuple[int, str]:
    token = await visitor.token(f"/shops/{console.shop_id}")
    status, body, _ = await visitor.post(f"/shops/{console.shop_id}/check", {"csrf": token})
    return status, body


async def test_switching_order_intake_on_registers_one_webhook_and_says_so(
    console: Console,
) -> None:
    admin = await console.logged_in(console.admin)
    page = await _save_orders(console, admin, INTAKE)
    assert "the shop&#39;s webhook: created" in page
    hooks = _hooks(console.shop)
    assert len(hooks) == 1 and hooks[0][0] == "order_status_change"
    assert hooks[0][1].startswith(f"{PUBLIC_BASE}/webhooks/shoprenter/{console.shop_id}/")
    await _save_orders(console, admin, {**INTAKE, "orders_draft": "on"})
    assert _hooks(console.shop) == hooks
    async with console.sessions() as db:
        query = select(AuditEntry.action).where(AuditEntry.target == console.shop_name)
        assert "register webhook" in list((await db.execute(query)).scalars())


async def test_check_now_shows_each_verdict_with_its_fix_until_the_webhook_is_registered(
    console: Console,
) -> None:
    admin = await console.logged_in(console.admin)
    status, before = await _check(console, admin)
    assert status == 200
    assert "credentials accepted" in before and "API reachable at" in before
    assert "no order_status_change webhook sends to ShopSync" in before
    assert f"shopsync shops connect {console.shop_name}" in before
    await _save_orders(console, admin, INTAKE)
    _, after = await _check(console, admin)
    assert 'class="fail"' not in after and "webhook switched on" in after


async def test_a_check_refusing_the_credentials_says_where_to_fix_them(console: Console) -> None:
    console.shop.password = "changed-in-the-shop"
    admin = await console.logged_in(console.admin)
    _, body = await _check(console, admin)
    assert "credentials refused" in body and "API settings" in body


async def test_a_viewer_may_check_but_not_without_the_csrf_token_and_sees_no_token(
    console: Console,
) -> None:
    admin = await console.logged_in(console.admin)
    await _save_orders(console, admin, INTAKE)
    token_in_url = _hooks(console.shop)[0][1].rsplit("/", 1)[1]
    viewer = await console.logged_in(console.viewer)
    status, body = await _check(console, viewer)
    assert status == 200 and "webhook switched on" in body and token_in_url not in body
    refused, _, _ = await viewer.post(f"/shops/{console.shop_id}/check", {})
    assert refused == 403
