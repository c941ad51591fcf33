"""The MNB sandbox's aiohttp app: MNB's rate operations, and an admin face for tests.

- service: POST /arfolyamok.asmx, GetExchangeRates and GetCurrentExchangeRates (SOAP 1.1);
- admin: POST /_sandbox/fault `{"mode": "none" | "error" | "timeout" | "fault"}`,
  POST /_sandbox/publish `{"day": "2026-01-09", "rates": {"EUR": "391,25", "JPY": [100, "2,5"]}}`,
  GET /_sandbox/calls (calls by operation).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from aiohttp import web

from devtools.mnb_sandbox.soap import (
    BadRequest,
    answer_envelope,
    fault_envelope,
    operation_and_parameters,
    rates_document,
    requested_day,
)
from devtools.mnb_sandbox.table import FAULT_MODES, MnbRateTable

TABLE = web.AppKey("table", MnbRateTable)
XML = "text/xml"
#: How long a "timeout" fault keeps a request waiting (longer than any client waits).
HANG_S = 3600.0


def create_mnb_sandbox_app(table: MnbRateTable | None = None) -> web.Application:
    """The sandbox over `table` (the recorded rates by default); no I/O until it is served."""
    app = web.Application()
    app[TABLE] = table or MnbRateTable()
    app.router.add_post("/arfolyamok.asmx", service)
    app.router.add_post("/_sandbox/fault", admin_fault)
    app.router.add_post("/_sandbox/publish", admin_publish)
    app.router.add_get("/_sandbox/calls", admin_calls)
    return app


async def service(request: web.Request) -> web.Response:
    """One SOAP call, answered as MNB does (or failed as the fault switch says)."""
    table = request.app[TABLE]
    body = await request.read()
    if table.fault == "error":
        return web.Response(status=503, text="Service Unavailable")
    if table.fault == "timeout":
        await asyncio.sleep(HANG_S)
    try:
        operation, parameters = operation_and_parameters(body)
        table.calls[operation] += 1
        if table.fault == "fault":
            raise BadRequest("a fault asked for by the sandbox's switch")
        inner = _inner_document(table, operation, parameters)
    except BadRequest as refused:
        return web.Response(status=500, body=fault_envelope(str(refused)), content_type=XML)
    return web.Response(body=answer_envelope(operation, inner), content_type=XML)


def _inner_document(table: MnbRateTable, operation: str, parameters: dict[str, str]) -> str:
    if operation == "GetExchangeRates":
        start, end = requested_day(parameters, "startDate"), requested_day(parameters, "endDate")
        names = parameters.get("currencyNames", "")
        currencies = {c.strip().upper() for c in names.split(",") if c.strip()}
        return rates_document("MNBExchangeRates", table.between(start, end, currencies))
    if operation == "GetCurrentExchangeRates":
        latest = table.latest()
        return rates_document("MNBCurrentExchangeRates", [latest] if latest else [])
    raise BadRequest(f"the sandbox does not serve {operation}")


async def admin_fault(request: web.Request) -> web.Response:
    mode = str((await request.json()).get("mode", "none"))
    if mode not in FAULT_MODES:
        raise web.HTTPBadRequest(text=f"mode is one of {', '.join(FAULT_MODES)}")
    request.app[TABLE].fault = mode
    return web.json_response({"mode": mode})


async def admin_publish(request: web.Request) -> web.Response:
    data: dict[str, Any] = await request.json()
    day = date.fromisoformat(str(data["day"]))
    quotes = {str(c).upper(): _quote(q) for c, q in dict(data["rates"]).items()}
    request.app[TABLE].publish(day, quotes)
    return web.json_response({"day": day.isoformat(), "currencies": sorted(quotes)})


def _quote(value: Any) -> tuple[int, str]:
    """ "391,25" (per 1) or [100, "250,1"]."""
    if isinstance(value, list):
        return int(value[0]), str(value[1])
    return 1, str(value)


async def admin_calls(request: web.Request) -> web.Response:
    return web.json_response(dict(request.app[TABLE].calls))


async def run_mnb_sandbox(host: str, port: int, table: MnbRateTable | None = None) -> None:
    """Serve the sandbox until cancelled."""
    runner = web.AppRunner(create_mnb_sandbox_app(table))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
