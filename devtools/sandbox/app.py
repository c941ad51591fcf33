"""The sandbox's aiohttp app: classic (Basic) and api2 (Bearer) faces, token endpoint, admin.

URLs, for a shop named `demo` on http://127.0.0.1:PORT:
  classic API  http://127.0.0.1:PORT/demo/products          (HTTP Basic)
  api2         http://127.0.0.1:PORT/demo/api/products      (Bearer token)
  token        POST http://127.0.0.1:PORT/oauth/demo/app/token
  admin        /_sandbox/shops[/{shop}[/faults|/stats|/orders|/products|/stock]]
               /_sandbox/shops/{shop}/orders/{innerId}/status  (the owner changes a status)
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import logging
import random
from collections.abc import AsyncIterator
from typing import Any, NoReturn
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from devtools.sandbox import generator
from devtools.sandbox.api import SandboxApi, error
from devtools.sandbox.catalog import add_products
from devtools.sandbox.orders import change_status, place_order, webhook_order
from devtools.sandbox.store import SandboxShop, SandboxWorld
from devtools.sandbox.webhooks import delivery_urls

log = logging.getLogger(__name__)
WORLD = web.AppKey("world", SandboxWorld)
HTTP = web.AppKey("http", aiohttp.ClientSession)
TASKS: web.AppKey[set[asyncio.Task[None]]] = web.AppKey("tasks")


def create_sandbox_app(world: SandboxWorld | None = None) -> web.Application:
    app = web.Application()
    app[WORLD] = world or SandboxWorld()
    app[TASKS] = set()
    app.cleanup_ctx.append(_http_client)
    app.router.add_post("/oauth/{shop}/app/token", token)
    app.router.add_post("/_sandbox/shops", admin_create_shop)
    app.router.add_get("/_sandbox/shops/{shop}/stats", admin_stats)
    app.router.add_post("/_sandbox/shops/{shop}/faults", admin_faults)
    app.router.add_post("/_sandbox/shops/{shop}/products", admin_seed_products)
    app.router.add_get("/_sandbox/shops/{shop}/stock", admin_stock)
    app.router.add_post("/_sandbox/shops/{shop}/orders", admin_place_order)
    app.router.add_post("/_sandbox/shops/{shop}/orders/{inner}/status", admin_order_status)
    app.router.add_route("*", "/{shop}/api/{tail:.*}", api2)
    app.router.add_route("*", "/{shop}/{tail:.*}", classic)
    return app


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    yield
    pending: set[asyncio.Task[None]] = app[TASKS]
    for task in pending.copy():
        task.cancel()
    await app[HTTP].close()


def _shop(request: web.Request) -> SandboxShop:
    shop = request.app[WORLD].shops.get(request.match_info["shop"])
    if shop is None:
        raise web.HTTPNotFound(
            text=json.dumps({"message": "No such shop"}), content_type="application/json"
        )
    return shop


async def classic(request: web.Request) -> web.StreamResponse:
    shop = _shop(request)
    if not _basic_ok(request, shop):
        return _json(error(401, 40101, "You have no permission for this operation!"))
    return await _serve(request, shop, f"/{shop.name}")


async def api2(request: web.Request) -> web.StreamResponse:
    shop = _shop(request)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not shop.token_valid(header[7:]):
        return _json(error(401, None, "Unauthorized: invalid or expired access token"))
    return await _serve(request, shop, f"/{shop.name}/api")


def _basic_ok(request: web.Request, shop: SandboxShop) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user, shop.user) and hmac.compare_digest(password, shop.password)


async def _serve(request: web.Request, shop: SandboxShop, prefix: str) -> web.StreamResponse:
    faults = shop.faults
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    if not shop.admit() or faults.throttle_next > 0:
        faults.throttle_next = max(0, faults.throttle_next - 1)
        headers = {"Retry-After": f"{faults.retry_after:g}"} if faults.retry_after else {}
        shop.stats.by_status[429] += 1
        return web.json_response({"message": "Too Many Requests"}, status=429, headers=headers)
    if faults.drop_next > 0:
        faults.drop_next -= 1
        _hang_up(request)
    if faults.fail_next > 0:
        faults.fail_next -= 1
        shop.stats.by_status[503] += 1
        return web.json_response({"message": "Service Unavailable"}, status=503)
    if "application/json" not in request.headers.get("Accept", ""):
        return _json(
            error(406, None, "the sandbox answers JSON only: send Accept: application/json")
        )
    body = await _body(request)
    base = f"{request.scheme}://{request.host}{prefix}"
    api = SandboxApi(shop, base)
    path = "/" + request.match_info["tail"]
    before = _statuses(shop)
    writes = shop.stats.product_writes
    answer = api.handle(request.method, path, dict(request.query), body)
    shop.stats.by_status[answer.status] += 1
    _fire_webhooks(request, shop, before, base)
    if faults.drop_after_write > 0 and shop.stats.product_writes > writes:
        faults.drop_after_write -= 1  # applied, but the answer never reaches the caller
        _hang_up(request)
    return _json(answer)


def _hang_up(request: web.Request) -> NoReturn:
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


def _json(answer: Any) -> web.Response:
    if answer.status == 204:
        return web.Response(status=204)
    return web.json_response(
        answer.body, status=answer.status, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    raw = await request.read()
    content_type = request.content_type
    if content_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(raw.decode("utf-8", "replace"))
        data = {k[5:-1]: v for k, v in pairs if k.startswith("data[") and k.endswith("]")}
        return {"data": data} if data else None
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _statuses(shop: SandboxShop) -> dict[str, str]:
    return {
        rid: str(row.fields.get("orderStatus")) for rid, row in shop.table("orders").rows.items()
    }


def _fire_webhooks(
    request: web.Request, shop: SandboxShop, before: dict[str, str], base: str
) -> None:
    for rid, row in shop.table("orders").rows.items():
        if rid in before and before[rid] != str(row.fields.get("orderStatus")):
            change_status(shop, row, row.fields["orderStatus"])  # records the history entry
            schedule_webhooks(request.app, shop, "order_status_change", row, base)


def schedule_webhooks(
    app: web.Application, shop: SandboxShop, event: str, order: Any, base: str
) -> None:
    payload = {"orders": {"order": [webhook_order(shop, order, base)]}}
    for url in delivery_urls(shop.table("webHooks").rows.values(), event):
        task = asyncio.create_task(_deliver(app, shop, url, payload))
        app[TASKS].add(task)
        task.add_done_callback(app[TASKS].discard)


async def _deliver(app: web.Application, shop: SandboxShop, url: str, payload: Any) -> None:
    """One attempt, as Shoprenter: multipart/form-data with one field `data`, no signature."""
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("data", json.dumps(payload).replace("/", "\\/"))
    try:
        async with app[HTTP].post(url, data=form, headers={"User-Agent": "ShopRenter"}) as resp:
            ok = resp.status < 300
    except (aiohttp.ClientError, TimeoutError):
        ok = False
    if ok:
        shop.stats.webhooks_sent += 1
    else:
        shop.stats.webhooks_failed += 1


async def token(request: web.Request) -> web.Response:
    shop = request.app[WORLD].shops.get(request.match_info["shop"])
    try:
        body = await request.json()
    except ValueError:
        body = None
    if (
        not isinstance(body, dict)
        or not body.get("client_id")
        or body.get("grant_type") != "client_credentials"
    ):
        return web.json_response(
            {
                "error": "invalid_request",
                "hint": "Check the `client_id` parameter",
                "message": "The request is missing a required parameter, includes an invalid "
                "parameter value, includes a parameter more than once, or is otherwise "
                "malformed.",
            },
            status=400,
        )
    if shop is None or not (
        hmac.compare_digest(str(body["client_id"]), shop.client_id)
        and hmac.compare_digest(str(body.get("client_secret", "")), shop.client_secret)
    ):
        return web.json_response(
            {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
                "message": "Client authentication failed",
            },
            status=401,
        )
    return web.json_response(
        {"token_type": "Bearer", "expires_in": shop.token_ttl_s, "access_token": shop.issue_token()}
    )


async def admin_create_shop(request: web.Request) -> web.Response:
    body = await request.json()
    name = str(body.pop("name"))
    shop = request.app[WORLD].create_shop(name, **body)
    return web.json_response(
        {
            "name": shop.name,
            "classic": f"/{name}",
            "api2": f"/{name}/api",
            "token": f"/oauth/{name}/app/token",
        },
        status=201,
    )


async def admin_stats(request: web.Request) -> web.Response:
    stats = _shop(request).stats
    return web.json_response(
        {
            "requests": stats.requests,
            "throttled": stats.throttled,
            "max_per_second": stats.max_per_second,
            "batch_calls": stats.batch_calls,
            "product_writes": stats.product_writes,
            "written_skus": dict(stats.written_skus),
            "by_status": {str(k): v for k, v in stats.by_status.items()},
            "webhooks_sent": stats.webhooks_sent,
            "webhooks_failed": stats.webhooks_failed,
        }
    )


async def admin_faults(request: web.Request) -> web.Response:
    shop = _shop(request)
    for key, value in (await request.json()).items():
        if key == "rate_limit":
            shop.rate_limit = float(value)
        elif key == "token_ttl_s":
            shop.token_ttl_s = float(value)
        elif hasattr(shop.faults, key):
            setattr(shop.faults, key, value)
        else:
            raise web.HTTPBadRequest(text=f"unknown fault {key!r}")
    return web.json_response({"ok": True})


async def admin_stock(request: web.Request) -> web.Response:
    """Every product's stock fields by SKU, read outside the shop's request budget."""
    rows = _shop(request).table("products").rows.values()
    fields = ("stock1", "stock2", "stock3", "stock4")
    return web.json_response(
        {str(r.fields.get("sku", "")): {f: r.fields.get(f) for f in fields} for r in rows}
    )


async def admin_seed_products(request: web.Request) -> web.Response:
    """Add products (generated when `count` is given) straight into the shop, unthrottled."""
    shop = _shop(request)
    body = await request.json()
    items = body.get("products") or generator.catalog(
        random.Random(body.get("seed", 1)),
        int(body.get("count", 0)),
        body.get("prefix", "SKU"),
    )
    add_products(shop, items)
    return web.json_response({"created": len(items)}, status=201)


async def admin_place_order(request: web.Request) -> web.Response:
    shop = _shop(request)
    spec = await request.json()
    order = place_order(shop, spec)
    base = f"{request.scheme}://{request.host}/{shop.name}"
    schedule_webhooks(request.app, shop, "order_confirm", order, base)
    return web.json_response({"id": order.resource_id, "innerId": str(order.inner)}, status=201)


async def admin_order_status(request: web.Request) -> web.Response:
    """The shop owner sets an order's status in the admin: `order_status_change` goes out."""
    shop = _shop(request)
    inner = request.match_info["inner"]
    order = next((r for r in shop.table("orders").rows.values() if str(r.inner) == inner), None)
    if order is None:
        raise web.HTTPNotFound(text=f"no order {inner}")
    status = int((await request.json())["status"])
    change_status(shop, order, shop.status_id(status))
    base = f"{request.scheme}://{request.host}/{shop.name}"
    schedule_webhooks(request.app, shop, "order_status_change", order, base)
    return web.json_response({"innerId": inner, "status": str(status)})


async def run_sandbox(host: str, port: int, world: SandboxWorld | None = None) -> None:
    runner = web.AppRunner(create_sandbox_app(world), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()
    await runner.cleanup()
