"""Logging in and out: throttled per address and account, a new session at every login."""

from __future__ import annotations

import math
import secrets
import time

from aiohttp import web
from aiohttp_session import get_session, new_session

from services.console.keys import SESSIONS, THROTTLE
from services.console.labels import label
from services.console.pages import language_of, render
from shopsync.service_layer.operators import authenticate


async def login_form(request: web.Request) -> web.Response:
    return await render(request, "login.html", {"error": None, "email": ""})


async def log_in(request: web.Request) -> web.StreamResponse:
    """Check the password unless this address or account failed too often; on success a
    brand-new session (a session planted before the login is never the logged-in one)."""
    form = await request.post()
    email, password = str(form.get("email", "")).strip().lower(), str(form.get("password", ""))
    keys = (f"address:{request.remote}", f"account:{email}")
    throttle, now = request.app[THROTTLE], time.monotonic()
    if (wait := throttle.wait_s(keys, now)) > 0:
        return await _refused(request, email, wait)
    async with request.app[SESSIONS]() as db:
        operator = await authenticate(db, email, password)
    if operator is None:
        throttle.failed(keys, now)
        text = label("login_failed", await language_of(request))
        return await render(request, "login.html", {"error": text, "email": email}, 401)
    throttle.succeeded(keys[1])
    await _fresh_session(request, operator.id)
    raise web.HTTPSeeOther("/shops")


async def _refused(request: web.Request, email: str, wait: float) -> web.Response:
    seconds = math.ceil(wait)
    text = label("login_slowed", await language_of(request)).format(seconds=seconds)
    response = await render(request, "login.html", {"error": text, "email": email}, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


async def _fresh_session(request: web.Request, operator_id: int) -> None:
    language = (await get_session(request)).get("lang")
    (await get_session(request)).invalidate()
    session = await new_session(request)
    session["sid"] = secrets.token_urlsafe(24)
    session["operator_id"] = operator_id
    session["csrf"] = secrets.token_urlsafe(32)
    if language:
        session["lang"] = language


async def log_out(request: web.Request) -> web.StreamResponse:
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


async def choose_language(request: web.Request) -> web.StreamResponse:
    """Switch between English and Hungarian, back to the page it was chosen on."""
    form = await request.post()
    session = await get_session(request)
    session["lang"] = "hu" if form.get("to") == "hu" else "en"
    back = str(form.get("back", "/shops"))
    raise web.HTTPSeeOther(back if back.startswith("/") and not back.startswith("//") else "/")
