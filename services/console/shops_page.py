"""The shops page: every connection in a row, problems first; adding a shop."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from services.console.audit_trail import audited
from services.console.keys import CIPHER, SESSIONS, operator_of
from services.console.pages import render
from shopsync.service_layer.shop_overview import SORTS, listed, shop_rows
from shopsync.service_layer.shops import ShopError, add_connection

ADD_FIELDS = ("name", "path", "auth_kind", "api_user", "api_secret", "api_url")


async def shops(request: web.Request) -> web.Response:
    """The rows, filtered by `?q=` and sorted by `?sort=`."""
    text, sort = request.query.get("q", ""), request.query.get("sort", "problems")
    async with request.app[SESSIONS]() as db:
        rows = listed(await shop_rows(db), text, sort)
    context: dict[str, Any] = {
        "rows": rows,
        "q": text,
        "sort": sort,
        "sorts": SORTS,
        "error": None,
        "form": {},
    }
    return await render(request, "shops.html", context)


async def add_shop(request: web.Request) -> web.StreamResponse:
    """A new connection (off until its tabs are switched on), as `shops add` makes it."""
    form = {name: str((await request.post()).get(name, "")).strip() for name in ADD_FIELDS}
    async with request.app[SESSIONS]() as db:
        try:
            connection = await add_connection(
                db,
                request.app[CIPHER],
                account="default",
                name=form["name"],
                path=form["path"],
                auth_kind="oauth" if form["auth_kind"] == "oauth" else "basic",
                api_user=form["api_user"],
                api_secret=form["api_secret"],
                api_url=form["api_url"] or None,
            )
        except ShopError as exc:
            return await _refused(request, form, str(exc))
        audited(db, operator_of(request), "add shop", form["name"], {}, form)
        await db.commit()
    raise web.HTTPSeeOther(f"/shops/{connection.id}")


async def _refused(request: web.Request, form: dict[str, str], why: str) -> web.Response:
    async with request.app[SESSIONS]() as db:
        rows = listed(await shop_rows(db))
    kept = {k: v for k, v in form.items() if k != "api_secret"}  # a secret is never sent back
    context = {"rows": rows, "q": "", "sort": "problems", "sorts": SORTS, "error": why}
    return await render(request, "shops.html", {**context, "form": kept}, 400)
