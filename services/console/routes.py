"""The console's routes: pages, their forms, the stylesheet and the status pages."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from services.console import (
    audit_trail,
    documents_page,
    failures_page,
    login,
    shop_page,
    shops_page,
    status,
)

STATIC = Path(__file__).parent / "static"


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/shops")


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", home)
    r.add_get("/login", login.login_form)
    r.add_post("/login", login.log_in)
    r.add_post("/logout", login.log_out)
    r.add_post("/language", login.choose_language)
    r.add_get("/shops", shops_page.shops)
    r.add_post("/shops", shops_page.add_shop)
    r.add_get("/shops/{shop_id:[0-9]{1,18}}", shop_page.shop)
    r.add_post("/shops/{shop_id:[0-9]{1,18}}/settings", shop_page.save_settings)
    r.add_post("/shops/{shop_id:[0-9]{1,18}}/access", shop_page.save_access)
    r.add_post("/shops/{shop_id:[0-9]{1,18}}/check", shop_page.check_now)
    r.add_get("/documents", documents_page.documents)
    r.add_get("/documents/{document_id:[0-9]{1,18}}", documents_page.document)
    r.add_get("/documents/{document_id:[0-9]{1,18}}/pdf", documents_page.document_pdf)
    r.add_get("/failures", failures_page.failures)
    r.add_post("/failures/dead-letters/{letter_id:[0-9]{1,18}}/replay", failures_page.replay)
    r.add_post("/failures/held/release", failures_page.release_held)
    r.add_post("/failures/nav/{document_id:[0-9]{1,18}}/resend", failures_page.resend_nav)
    r.add_get("/audit", audit_trail.audit_page)
    r.add_static("/static/", STATIC)
    r.add_get("/healthz", status.healthz)
    r.add_get("/readyz", status.readyz)
    r.add_get("/metrics", status.metrics_page)
