"""Registering the order-status webhook in a shop: the sandbox's /webHooks over real HTTP."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from devtools.sandbox import generator
from devtools.sandbox.store import SandboxShop
from shopsync.adapters.shoprenter.errors import ShoprenterValidationError
from shopsync.adapters.shoprenter.webhooks import HttpShoprenterWebhooks
from shopsync.domain.webhooks import Outcome, WebhookTarget
from shopsync.service_layer.shop_check import check_shop
from shopsync.service_layer.webhook_registration import register_webhook
from tests.sandbox_fixtures import Sandbox, client_for

pytestmark = pytest.mark.integration
BASE = "https://shopsync.example"


def target(token: str, connection_id: int = 7) -> WebhookTarget:
    path = f"/webhooks/shoprenter/{connection_id}/"
    return WebhookTarget(f"{BASE}{path}{token}", BASE, path)


def stored(shop: SandboxShop) -> list[dict[str, Any]]:
    return [row.fields for row in shop.table("webHooks").rows.values()]


def url_of(fields: dict[str, Any]) -> str:
    params = fields["webHookParameters"]
    return str((params[0] if isinstance(params, list) else params)["url"])


async def test_connecting_twice_registers_one_webhook_and_a_new_token_repoints_it(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    hooks = HttpShoprenterWebhooks(client_for(sandbox.basic(shop), http))
    assert await register_webhook(hooks, target("old")) is Outcome.CREATED
    assert await register_webhook(hooks, target("old")) is Outcome.UNCHANGED
    assert [(f["event"], f["status"], url_of(f)) for f in stored(shop)] == [
        ("order_status_change", "1", f"{BASE}/webhooks/shoprenter/7/old")
    ]
    assert await register_webhook(hooks, target("new")) is Outcome.UPDATED
    assert [url_of(f) for f in stored(shop)] == [f"{BASE}/webhooks/shoprenter/7/new"]
    assert await register_webhook(hooks, target("new")) is Outcome.UNCHANGED


async def test_the_shop_owners_hooks_are_left_alone_and_a_switched_off_one_of_ours_is_switched_on(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    foreign = [
        ("order_status_change", "https://erp.example/hook"),
        ("order_confirm", f"{BASE}/webhooks/shoprenter/7/old"),  # ours in URL, not in event
        ("order_status_change", f"{BASE}/webhooks/shoprenter/70/x"),  # another connection's
    ]
    for event, url in foreign:
        await client.post("webHooks", _hook(event, url))
    await client.post("webHooks", {**_hook("order_status_change", target("old").url), "status": 0})
    hooks = HttpShoprenterWebhooks(client)
    assert await register_webhook(hooks, target("new")) is Outcome.UPDATED
    rows = stored(shop)
    assert [(f["event"], url_of(f)) for f in rows[:3]] == foreign
    assert [(url_of(f), f["status"]) for f in rows[3:]] == [(target("new").url, "1")]


async def test_a_duplicate_of_ours_is_removed_and_rotate_never_creates_one(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    hooks = HttpShoprenterWebhooks(client)
    assert await register_webhook(hooks, target("t"), create=False) is Outcome.MISSING
    assert stored(shop) == []
    for token in ("t", "t"):  # as a create whose answer was lost, then sent again
        await client.post("webHooks", _hook("order_status_change", target(token).url))
    assert await register_webhook(hooks, target("t")) is Outcome.UPDATED
    assert [url_of(f) for f in stored(shop)] == [target("t").url]


async def test_check_names_the_fix_for_a_missing_stale_or_switched_off_webhook(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    hooks = HttpShoprenterWebhooks(client)

    async def lines() -> list[str]:
        return [v.line for v in await check_shop(hooks, target("now"), "s", "api")]

    fix = "— shopsync shops connect s"
    assert (await lines())[2] == f"FAIL no order_status_change webhook sends to ShopSync {fix}"
    await register_webhook(hooks, target("before"))
    assert "FAIL webhook URL has an old token" in (await lines())[3]
    await register_webhook(hooks, target("now"))
    row_id = next(iter(shop.table("webHooks").rows))
    await client.put(f"webHooks/{row_id}", {"status": "0"})
    assert (await lines())[4] == f"FAIL webhook is off {fix}"
    await register_webhook(hooks, target("now"))
    assert all(line.startswith("ok ") for line in await lines())
    assert not any("now" in line.split("/")[-1] for line in await lines())  # never the token
    wrong = HttpShoprenterWebhooks(client_for(sandbox.basic(shop, password="wrong"), http))
    refused = [v.line for v in await check_shop(wrong, target("now"), "s", "api")]
    assert refused[0].startswith("FAIL credentials refused (401) — check the API user")


async def test_the_sandbox_refuses_a_webhook_without_its_required_fields(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    client = client_for(sandbox.basic(sandbox.shop()), http)
    with pytest.raises(ShoprenterValidationError, match="required: label"):
        await client.post("webHooks", {"event": "order_confirm", "status": "1"})
    with pytest.raises(ShoprenterValidationError, match="event is not available"):
        await client.post("webHooks", _hook("order_paid", "https://x.example"))


async def test_the_sandbox_answers_webhooks_in_both_shapes_with_back_links(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    client = client_for(sandbox.basic(sandbox.shop()), http)
    created = await client.post("webHooks", _hook("order_confirm", "https://x.example"))
    assert isinstance(created["webHookParameters"], list) and created["webHookDelay"] == []
    assert created["webHookParameters"][0]["webHook"]["href"] == created["href"]
    got = await client.get(f"webHooks/{created['id']}")
    assert got["webHookParameters"]["url"] == "https://x.example"  # one object on GET
    await client.request("DELETE", client.url(f"webHooks/{created['id']}"))
    assert [h async for h in client.iterate("webhooks")] == []


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[str]]]:
    paths: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        paths.append(request.path)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/{name}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), paths
    await server.close()


async def test_the_sandbox_sends_only_to_switched_on_undelayed_hooks_of_the_event(
    sandbox: Sandbox, http: aiohttp.ClientSession, receiver: tuple[str, list[str]]
) -> None:
    url, paths = receiver
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    await client.post("webHooks", _hook("order_confirm", f"{url}/on"))
    await client.post("webHooks", {**_hook("order_confirm", f"{url}/off"), "status": "0"})
    delayed = {"webHookDelay": [{"delay": "1", "delayUnit": "hour"}]}
    await client.post("webHooks", {**_hook("order_confirm", f"{url}/later"), **delayed})
    await client.post("webHooks", _hook("order_status_change", f"{url}/status"))
    spec = generator.order(random.Random(5), generator.catalog(random.Random(5), 5))
    async with http.post(f"{sandbox.url}/_sandbox/shops/{shop.name}/orders", json=spec) as r:
        order_id = (await r.json())["id"]
    # The status change comes after the order's own deliveries (wrong ones included) left.
    await client.put(f"orders/{order_id}", {"orderStatus": {"id": shop.status_id(6)}})
    for _ in range(250):
        if len(paths) >= 2:
            break
        await asyncio.sleep(0.02)
    assert sorted(paths) == ["/on", "/status"]


def _hook(event: str, url: str) -> dict[str, Any]:
    return {
        "event": event,
        "status": "1",
        "label": event,
        "webHookParameters": [{"type": "json", "url": url}],
    }
