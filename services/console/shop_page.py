"""One shop with its tabs: connection, order invoicing, products, stock. Saving goes through
the service layer `shops set` uses, so a change is checked alike and takes effect at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from services.console import setting_forms
from services.console.audit_trail import audited
from services.console.keys import CIPHER, SESSIONS, SETTINGS, operator_of
from services.console.pages import flash, render
from shopsync.adapters.db.models import ShopConnection
from shopsync.domain.catalog import PlannedUpload
from shopsync.domain.webhooks import Verdict
from shopsync.service_layer.catalog_plan import plan_counts, upload_plan
from shopsync.service_layer.shop_access import access_of, change_access
from shopsync.service_layer.shop_charts import ShopCharts, shop_charts
from shopsync.service_layer.shop_check import check_connection
from shopsync.service_layer.shops import ShopError, apply_settings, check_references
from shopsync.service_layer.webhook_registration import WebhookHome, webhook_after_change

TAB_NAMES = ("connection", "orders", "products", "stock", "charts")


async def _connection(db: AsyncSession, request: web.Request) -> ShopConnection:
    connection = await db.get(ShopConnection, int(request.match_info["shop_id"]))
    if connection is None:
        raise web.HTTPNotFound(text="no such shop")
    return connection


PREVIEW_ROWS = 50


async def shop(request: web.Request) -> web.Response:
    async with request.app[SESSIONS]() as db:
        connection = await _connection(db, request)
        preview = await _upload_preview(request, db, connection)
        charts = await _charts(request, db, connection)
        return await _shop_page(request, connection, preview=preview, charts=charts)


async def _charts(
    request: web.Request, db: AsyncSession, connection: ShopConnection
) -> ShopCharts | None:
    """The charts tab's week of orders and documents per hour, and the latest sync cycles."""
    if request.query.get("tab") != "charts":
        return None
    return await shop_charts(db, connection.id, datetime.now(UTC))


async def _upload_preview(
    request: web.Request, db: AsyncSession, connection: ShopConnection
) -> dict[str, Any] | None:
    """`catalog plan` on the products tab while upload is off: what switching it on sends."""
    if request.query.get("tab") != "products" or connection.products_upload_enabled:
        return None
    plan = await upload_plan(db, connection)
    sent = [p for p in plan if not p.action.value.startswith("skip")]
    return {"counts": plan_counts(plan), "rows": [_planned(p) for p in sent[:PREVIEW_ROWS]]}


def _planned(planned: PlannedUpload) -> dict[str, Any]:
    product = planned.product
    return {"sku": product.sku, "action": planned.action.value, "name": product.name,
            "price": product.net_price, "sale_price": product.sale_price}  # fmt: skip


async def _shop_page(
    request: web.Request,
    connection: ShopConnection,
    error: str | None = None,
    status: int = 200,
    verdicts: list[Verdict] | None = None,
    preview: dict[str, Any] | None = None,
    charts: ShopCharts | None = None,
) -> web.Response:
    tab = request.query.get("tab", "connection")
    tab = tab if tab in TAB_NAMES else "connection"
    fields = setting_forms.tab_fields(tab)
    values = {f.name: setting_forms.shown(f, getattr(connection, f.name)) for f in fields}
    context = {
        "shop": connection,
        "tab": tab,
        "tabs": TAB_NAMES,
        "fields": fields,
        "values": values,
        "access": access_of(connection),
        "webhook_url": _webhook_url(request, connection),
        "error": error,
        "saved": request.query.get("saved") == "1",
        "verdicts": verdicts,
        "preview": preview,
        "charts": charts,
    }
    return await render(request, "shop.html", context, status)


def _home(request: web.Request) -> WebhookHome:
    return WebhookHome(request.app[SETTINGS].webhook_base_url, request.app[CIPHER])


def _webhook_url(request: web.Request, connection: ShopConnection) -> str | None:
    """The URL to paste into the shop (its token is a credential: for admins only)."""
    if not operator_of(request).may_change:
        return None
    return _home(request).url_of(connection)


async def save_settings(request: web.Request) -> web.StreamResponse:
    """One tab's settings as typed in, applied by apply_settings (refusals shown on the tab)."""
    form = await request.post()
    tab = str(form.get("tab", ""))
    async with request.app[SESSIONS]() as db:
        connection = await _connection(db, request)
        current = {name: getattr(connection, name) for name in setting_forms.TABS.get(tab, ())}
        changes = setting_forms.changes_of(tab, form, current)
        before = {name: current[name] for name in changes}
        try:
            applied = apply_settings(connection, changes)
            with db.no_autoflush:
                await check_references(db, connection, applied)
        except ShopError as exc:
            await db.rollback()
            return await _refused(request, str(exc))
        after = {name: getattr(connection, name) for name in applied}
        audited(db, operator_of(request), f"change {tab} settings", connection.name, before, after)
        await db.commit()
        await _register_webhook(request, db, connection, applied)
    raise web.HTTPSeeOther(f"/shops/{connection.id}?tab={tab}&saved=1")


async def _register_webhook(
    request: web.Request, db: AsyncSession, connection: ShopConnection, applied: dict[str, Any]
) -> None:
    """Order intake switched on: the shop's webhook registered as `shops set` does; audited."""
    told = await webhook_after_change(connection, applied, _home(request))
    if told is None:
        return
    audited(db, operator_of(request), "register webhook", connection.name, {}, {"webhook": told})
    await db.commit()
    await flash(request, told)


async def check_now(request: web.Request) -> web.Response:
    """`shops check` on demand: each verdict with its fix, on the connection tab."""
    async with request.app[SESSIONS]() as db:
        connection = await _connection(db, request)
        verdicts = await check_connection(db, connection, _home(request), connection.name)
        return await _shop_page(request, connection, verdicts=verdicts)


async def _refused(request: web.Request, why: str) -> web.Response:
    async with request.app[SESSIONS]() as db:
        return await _shop_page(request, await _connection(db, request), why, 400)


async def save_access(request: web.Request) -> web.StreamResponse:
    """Path, API user and a new secret (an empty secret box keeps the stored one)."""
    form: dict[str, Any] = {k: str(v).strip() for k, v in (await request.post()).items()}
    async with request.app[SESSIONS]() as db:
        connection = await _connection(db, request)
        before = access_of(connection)
        try:
            after = change_access(
                connection,
                request.app[CIPHER],
                form.get("path", ""),
                form.get("api_user", ""),
                form.get("api_secret") or None,
            )
        except ShopError as exc:
            await db.rollback()
            return await _refused(request, str(exc))
        audited(db, operator_of(request), "change access", connection.name, before, after)
        await db.commit()
    raise web.HTTPSeeOther(f"/shops/{connection.id}?tab=connection&saved=1")
