"""The NAV sandbox's aiohttp app: invoiceService/v3 as NAV serves it, and an admin API.

URLs on http://127.0.0.1:PORT:
  POST /invoiceService/v3/{tokenExchange|manageInvoice|queryTransactionStatus|queryInvoiceCheck}
  POST /_nav/users     {"login", "password", "signing_key", "exchange_key", "tax_number"}
  POST /_nav/faults    {"timeouts": 1, "server_error_rate": 0.1, "operations": ["manageInvoice"]}
  POST /_nav/settings  {"processing_delay_s": 0, "token_validity_s": 300, "hang_s": 65}
  GET  /_nav/stats     CREATEs per tax number and invoice number, invoices held, requests
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import fields

from aiohttp import web

from devtools.nav_sandbox import replies
from devtools.nav_sandbox.envelope import Refusal, check_schema, parse_request
from devtools.nav_sandbox.faults import Fault, faults_from, pick_fault
from devtools.nav_sandbox.operations import OPERATIONS
from devtools.nav_sandbox.processing import process_due
from devtools.nav_sandbox.world import NavSettings, NavWorld
from shopsync.domain.nav_reporting import TechnicalUser

WORLD = web.AppKey("nav_world", NavWorld)
RELEASE = web.AppKey("nav_release", asyncio.Event)  # set at shutdown: hung requests end
XML = "application/xml"
#: NAV takes request bodies up to 10 MB (SPEC §1.6.5); a larger one gets aiohttp's 413.
MAX_BODY_BYTES = 10 * 1024 * 1024


def create_nav_sandbox_app(world: NavWorld | None = None) -> web.Application:
    """The sandbox app (no I/O here); `world` holds its users and state."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[WORLD] = world or NavWorld()
    app[RELEASE] = asyncio.Event()
    app.on_shutdown.append(_release_hung_requests)
    app.router.add_route("*", "/invoiceService/v3/{operation}", invoice_service)
    app.router.add_post("/_nav/users", admin_add_user)
    app.router.add_post("/_nav/faults", admin_faults)
    app.router.add_post("/_nav/settings", admin_settings)
    app.router.add_get("/_nav/stats", admin_stats)
    return app


async def _release_hung_requests(app: web.Application) -> None:
    app[RELEASE].set()


async def invoice_service(request: web.Request) -> web.StreamResponse:
    """One NAV call: faults first, then the operation, answered as NAV answers it."""
    world, operation = request.app[WORLD], request.match_info["operation"]
    world.requests[operation] += 1
    if request.method != "POST":
        body = replies.general_exception("NOT_ALLOWED_EXCEPTION", f"{request.method} not allowed")
        return web.Response(status=500, body=body, content_type=XML)
    if operation not in OPERATIONS:
        raise web.HTTPNotFound()
    fault = pick_fault(world, operation)
    if fault in ("server_error", "maintenance"):
        return _fault_answer(fault)
    status, body = _serve(world, operation, await request.read())
    if fault == "timeout":
        await _hang(request)
    return web.Response(status=status, body=body, content_type=XML)


def _serve(world: NavWorld, operation: str, body: bytes) -> tuple[int, bytes]:
    root = None
    try:
        root = parse_request(body, operation)
        check_schema(body)
        process_due(world)
        return 200, OPERATIONS[operation](world, root)
    except Refusal as refusal:
        if refusal.exception or not replies.can_echo(root):
            return refusal.http_status, replies.general_exception(refusal.code, refusal.message)
        assert root is not None
        return refusal.http_status, replies.general_error(root, refusal.code, refusal.message)


def _fault_answer(fault: Fault) -> web.Response:
    if fault == "maintenance":
        body = replies.general_exception("MAINTENANCE_MODE", "NAV is under maintenance")
        return web.Response(status=503, body=body, content_type=XML)
    return web.Response(status=500, text="Generic exception occurred!")


async def _hang(request: web.Request) -> None:
    """Processed, but no answer: the caller times out (NAV's own limit is 60 s)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(request.app[RELEASE].wait(), request.app[WORLD].settings.hang_s)
    if request.transport is not None:
        request.transport.close()


async def admin_add_user(request: web.Request) -> web.Response:
    spec = await request.json()
    try:
        user = TechnicalUser(**{name: str(spec[name]) for name in _USER_FIELDS})
    except KeyError as exc:
        raise web.HTTPBadRequest(text=f"missing {exc}") from exc
    request.app[WORLD].add_user(user)
    return web.json_response({"login": user.login, "tax_number": user.tax_number}, status=201)


_USER_FIELDS = ("login", "tax_number", "password", "signing_key", "exchange_key")


async def admin_faults(request: web.Request) -> web.Response:
    try:
        request.app[WORLD].faults = faults_from(dict(await request.json()))
    except TypeError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    return web.json_response({"ok": True})


async def admin_settings(request: web.Request) -> web.Response:
    settings, spec = request.app[WORLD].settings, dict(await request.json())
    known = {f.name for f in fields(NavSettings)} - {"timestamp_window"}
    if set(spec) - known:
        raise web.HTTPBadRequest(text=f"unknown settings: {sorted(set(spec) - known)}")
    for name, setting in spec.items():
        setattr(settings, name, setting)
    return web.json_response({"ok": True})


async def admin_stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[WORLD].stats())


async def run_nav_sandbox(host: str, port: int, world: NavWorld | None = None) -> None:
    """Serve the sandbox until cancelled."""
    runner = web.AppRunner(create_nav_sandbox_app(world), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()
    await runner.cleanup()
