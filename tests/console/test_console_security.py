"""The console's security over real HTTP (aiohttp server, PostgreSQL): logins, sessions
(revoked server-side), CSRF, roles, throttling (kept across restarts), secrets and the audit
log."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from sqlalchemy import select

from services.console.app import create_app
from shopsync.adapters.db.models import AuditEntry, ShopConnection
from shopsync.domain.login_throttle import LoginThrottle
from shopsync.service_layer.operator_changes import change_role, remove_operator
from tests.console.conftest import PASSWORD, SHOP_SECRET, Console
from tests.console.console_client import Visitor, loopback_address
from tests.support import env_settings

pytestmark = pytest.mark.integration

PAGES = (
    "/shops",
    "/shops/{id}",
    "/shops/{id}?tab=orders",
    "/documents",
    "/documents/1",
    "/documents/1/pdf",
    "/failures",
    "/audit",
    "/",
)


async def _orders_enabled(console: Console) -> bool:
    async with console.sessions() as db:
        return bool((await db.get(ShopConnection, console.shop_id)).orders_enabled)


async def _audit_targets(console: Console) -> list[str]:
    async with console.sessions() as db:
        query = select(AuditEntry.action).where(AuditEntry.target == console.shop_name)
        return list((await db.execute(query)).scalars())


@asynccontextmanager
async def another_console(database_url: str) -> AsyncIterator[str]:
    """A second console process on the same database (a restart, or one more behind a
    balancer): its own cookie key and a throttle that has seen nothing."""
    key = Fernet.generate_key().decode()
    settings = env_settings(DATABASE_URL=database_url, SHOPSYNC_SECRET_KEY=key)
    app = create_app(settings, os.urandom(32), throttle=LoginThrottle(free=3))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def _to_login(answer: tuple[int, str, ClientResponse]) -> bool:
    status, _, response = answer
    return status == 303 and response.headers.get("Location") == "/login"


async def test_no_page_is_shown_without_a_login(console: Console) -> None:
    visitor = console.visitor()
    for page in PAGES:
        status, _, response = await visitor.get(page.format(id=console.shop_id))
        assert (status, response.headers.get("Location")) == (303, "/login"), page
    token = await visitor.token()
    status, _, _ = await visitor.post(
        f"/shops/{console.shop_id}/settings?tab=orders",
        {"csrf": token, "tab": "orders", "orders_enabled": "on"},
    )
    assert status == 303
    assert not await _orders_enabled(console)


async def test_a_login_starts_a_new_session_and_the_one_from_before_stays_logged_out(
    console: Console,
) -> None:
    visitor = console.visitor()
    await visitor.token()
    planted = visitor.cookie()
    await visitor.log_in(console.admin, PASSWORD)
    assert visitor.cookie() and visitor.cookie() != planted
    assert (await visitor.get("/shops"))[0] == 200
    other = console.visitor()
    other.http.cookie_jar.update_cookies({"shopsync_console": planted})
    assert (await other.get("/shops"))[0] == 303


async def test_a_cookie_copied_before_logout_opens_nothing_after_it(console: Console) -> None:
    admin = await console.logged_in(console.admin)
    path = f"/shops/{console.shop_id}/settings?tab=orders"
    token = await admin.token(f"/shops/{console.shop_id}?tab=orders")
    thief = console.visitor(loopback_address())
    thief.http.cookie_jar.update_cookies({"shopsync_console": admin.cookie()})
    assert (await thief.get("/shops"))[0] == 200
    assert _to_login(await admin.post("/logout", {"csrf": token}))
    assert _to_login(await thief.get("/shops"))
    _, page, _ = await thief.get("/login")
    assert 'name="password"' in page
    change = {"csrf": token, "tab": "orders", "orders_enabled": "on"}
    assert _to_login(await thief.post(path, change))
    assert not await _orders_enabled(console)
    assert await _audit_targets(console) == []


async def test_a_removed_operator_is_logged_out_at_the_next_click(console: Console) -> None:
    viewer = await console.logged_in(console.viewer)
    assert (await viewer.get("/shops"))[0] == 200
    async with console.sessions() as db:
        await remove_operator(db, console.viewer)
        await db.commit()
    assert _to_login(await viewer.get("/shops"))
    assert (await console.visitor().log_in(console.viewer, PASSWORD))[0] == 401


async def test_an_admin_made_viewer_is_logged_out_and_then_may_change_nothing(
    console: Console,
) -> None:
    admin = await console.logged_in(console.admin)
    async with console.sessions() as db:
        await change_role(db, console.admin, "viewer")
        await db.commit()
    assert _to_login(await admin.get("/shops"))
    again = await console.logged_in(console.admin)
    token = await again.token(f"/shops/{console.shop_id}?tab=orders")
    change = {"csrf": token, "tab": "orders", "orders_enabled": "on"}
    status, _, _ = await again.post(f"/shops/{console.shop_id}/settings?tab=orders", change)
    assert status == 403 and not await _orders_enabled(console)


async def test_the_session_cookie_is_http_only_and_same_site(console: Console) -> None:
    visitor = console.visitor()
    await visitor.token()
    _, _, response = await visitor.log_in(console.admin, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_a_change_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    console: Console,
) -> None:
    admin = await console.logged_in(console.admin)
    change = {"tab": "orders", "orders_enabled": "on"}
    path = f"/shops/{console.shop_id}/settings?tab=orders"
    assert (await admin.post(path, change))[0] == 403
    assert (await admin.post(path, {**change, "csrf": "forged"}))[0] == 403
    assert not await _orders_enabled(console)
    assert await _audit_targets(console) == []


async def test_a_viewer_sees_no_edit_controls_and_a_change_is_refused(console: Console) -> None:
    viewer = await console.logged_in(console.viewer)
    _, page, _ = await viewer.get(f"/shops/{console.shop_id}?tab=orders")
    assert '<form method="post" action="/shops/' not in page and 'id="save"' not in page
    _, shops, _ = await viewer.get("/shops")
    assert 'id="add-shop"' not in shops
    token = await viewer.token("/shops")
    path = f"/shops/{console.shop_id}/settings?tab=orders"
    status, _, _ = await viewer.post(path, {"csrf": token, "tab": "orders", "orders_enabled": "on"})
    assert status == 403
    assert not await _orders_enabled(console)


async def test_failed_logins_are_refused_for_a_while_even_with_the_right_password(
    console: Console,
) -> None:
    visitor = console.visitor()
    for _ in range(3):
        assert (await visitor.log_in(console.admin, "wrong password!"))[0] == 401
    status, body, response = await visitor.log_in(console.admin, PASSWORD)
    assert status == 429 and int(response.headers["Retry-After"]) >= 1
    assert "Too many failed logins" in body


async def test_failed_logins_for_many_accounts_from_one_address_are_slowed_too(
    console: Console,
) -> None:
    visitor = console.visitor()
    for n in range(3):
        await visitor.log_in(f"nobody{n}@example.hu", "guess guess guess")
    assert (await visitor.log_in(console.viewer, PASSWORD))[0] == 429


async def test_guesses_under_overlong_emails_are_refused_and_slow_their_address_too(
    console: Console,
) -> None:
    visitor = console.visitor()
    for n in range(3):
        status, body, _ = await visitor.log_in(f"{n}{'x' * 500}@example.hu", "guess guess guess")
        assert status == 401 and 'name="password"' in body
    assert (await visitor.log_in(console.viewer, PASSWORD))[0] == 429


async def test_failures_counted_before_a_restart_still_slow_the_next_login(
    console: Console, pg_database_url: str
) -> None:
    visitor = console.visitor()
    for _ in range(3):
        assert (await visitor.log_in(console.admin, "wrong password!"))[0] == 401
    async with another_console(pg_database_url) as restarted:
        for address in (console.address, loopback_address()):
            again = Visitor(restarted, address)
            try:
                status, body, response = await again.log_in(console.admin, PASSWORD)
            finally:
                await again.close()
            assert status == 429 and int(response.headers["Retry-After"]) >= 1, address
            assert "Too many failed logins" in body


async def test_a_successful_login_forgets_the_accounts_failures_but_not_the_addresss(
    console: Console,
) -> None:
    first = console.visitor()
    for _ in range(2):
        assert (await first.log_in(console.admin, "wrong password!"))[0] == 401
    assert (await first.log_in(console.admin, PASSWORD))[0] == 303
    elsewhere = console.visitor(loopback_address())
    for _ in range(2):
        assert (await elsewhere.log_in(console.admin, "wrong password!"))[0] == 401
    assert (await elsewhere.log_in(console.admin, PASSWORD))[0] == 303
    assert (await first.log_in(f"x{console.viewer}", "guess guess guess"))[0] == 401
    assert (await first.log_in(console.viewer, PASSWORD))[0] == 429


async def test_secrets_never_reach_a_page(console: Console) -> None:
    admin = await console.logged_in(console.admin)
    token = await admin.token(f"/shops/{console.shop_id}")
    new_secret = "replaced-secret-Zk81"
    access = {"csrf": token, "path": "demo", "api_user": "apiuser", "api_secret": new_secret}
    assert (await admin.post(f"/shops/{console.shop_id}/access", access))[0] == 303
    bodies = [(await admin.get(p.format(id=console.shop_id)))[1] for p in PAGES[:-1]]
    bodies += [
        (await admin.get(f"/shops/{console.shop_id}?tab={t}"))[1] for t in ("products", "stock")
    ]
    for body in bodies:
        assert SHOP_SECRET not in body and new_secret not in body and PASSWORD not in body


async def test_each_change_is_in_the_audit_log_with_who_and_old_and_new(console: Console) -> None:
    admin = await console.logged_in(console.admin)
    token = await admin.token(f"/shops/{console.shop_id}?tab=orders")
    change = {
        "csrf": token,
        "tab": "orders",
        "orders_enabled": "on",
        "orders_status_rules": "1: proforma\n6: invoice",
        "orders_cancel_status_ids": "7",
    }
    path = f"/shops/{console.shop_id}/settings?tab=orders"
    assert (await admin.post(path, change))[0] == 303
    assert await _orders_enabled(console)
    _, audit, _ = await admin.get("/audit")
    assert console.admin in audit and "change orders settings" in audit
    assert "orders_enabled" in audit and "orders_status_rules" in audit


async def test_a_setting_the_cli_would_refuse_is_refused_with_its_reason(console: Console) -> None:
    admin = await console.logged_in(console.admin)
    token = await admin.token(f"/shops/{console.shop_id}?tab=orders")
    change = {
        "csrf": token,
        "tab": "orders",
        "orders_auto_accept": "on",
        "orders_cancel_status_ids": "",
    }
    status, body, _ = await admin.post(f"/shops/{console.shop_id}/settings?tab=orders", change)
    assert status == 400 and "orders_cancel_status_ids" in body
    assert await _audit_targets(console) == []


async def test_every_answer_carries_the_security_headers(console: Console) -> None:
    _, _, response = await console.visitor().get("/login")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
