"""Logging in and out: throttled per address and account, a new session at every login."""

from __future__ import annotations

import math
import secrets
from datetime import UTC, datetime

from aiohttp import web
from aiohttp_session import get_session, new_session
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.keys import SESSIONS, THROTTLE
from services.console.labels import label
from services.console.pages import language_of, render
from shopsync.service_layer.console_sessions import close_session, open_session
from shopsync.service_layer.login_failures import (
    failure_keys,
    forget_failures,
    login_wait_s,
    record_failure,
)
from shopsync.service_layer.operators import OperatorView, authenticate


async def login_form(request: web.Request) -> web.Response:
    return await render(request, "login.html", {"error": None, "email": ""})


async def log_in(request: web.Request) -> web.StreamResponse:
    """Check the password unless this address or account failed too often (failures are kept
    in the database: a restart forgets none); on success a brand-new session, kept server-side
    (a session planted before the login is never the logged-in one)."""
    form = await request.post()
    email, password = str(form.get("email", "")).strip().lower(), str(form.get("password", ""))
    keys = failure_keys(request.remote, email)
    throttle, now = request.app[THROTTLE], datetime.now(UTC)
    async with request.app[SESSIONS]() as db:
        if (wait := await login_wait_s(db, throttle, keys, now)) > 0:
            return await _refused(request, email, wait)
        if (operator := await authenticate(db, email, password)) is None:
            await record_failure(db, throttle, keys, now)
            await db.commit()
            return await _failed(request, email)
        await forget_failures(db, keys[1])
        await _fresh_session(request, db, operator, now)
    raise web.HTTPSeeOther("/shops")


async def _failed(request: web.Request, email: str) -> web.Response:
    text = label("login_failed", await language_of(request))
    return await render(request, "login.html", {"error": text, "email": email}, 401)


async def _refused(request: web.Request, email: str, wait: float) -> web.Response:
    seconds = math.ceil(wait)
    text = label("login_slowed", await language_of(request)).format(seconds=seconds)
    response = await render(request, "login.html", {"error": text, "email": email}, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


async def _fresh_session(
    request: web.Request, db: AsyncSession, operator: OperatorView, now: datetime
) -> None:
    language = (await get_session(request)).get("lang")
    (await get_session(request)).invalidate()
    sid = await open_session(db, operator.id, now)
    await db.commit()
    session = await new_session(request)
    session["sid"] = sid
    session["csrf"] = secrets.token_urlsafe(32)
    if language:
        session["lang"] = language


async def log_out(request: web.Request) -> web.StreamResponse:
    """End the session here and on the server: a copy of the cookie opens nothing after."""
    session = await get_session(request)
    if isinstance(sid := session.get("sid"), str):
        async with request.app[SESSIONS]() as db:
            await close_session(db, sid)
            await db.commit()
    session.invalidate()
    raise web.HTTPSeeOther("/login")


async def choose_language(request: web.Request) -> web.StreamResponse:
    """Switch between English and Hungarian, back to the page it was chosen on."""
    form = await request.post()
    session = await get_session(request)
    session["lang"] = "hu" if form.get("to") == "hu" else "en"
    back = str(form.get("back", "/shops"))
    raise web.HTTPSeeOther(back if back.startswith("/") and not back.startswith("//") else "/")
