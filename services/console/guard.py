"""Who may see and change what: a login for every page, a CSRF token on every POST, and
changes for admins only. Checked in middleware, so a new route is guarded by default."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import Session, get_session

from services.console.keys import OPERATOR, SESSIONS
from shopsync.service_layer.console_sessions import session_operator
from shopsync.service_layer.operators import OperatorView

#: Reachable without a login: the login form itself, the stylesheet, the probes.
OPEN_PATHS = ("/login", "/static/", "/healthz", "/readyz", "/metrics")
#: POSTs any logged-in operator may make (they change nothing of the shops): a check only reads.
VIEWER_POSTS = re.compile(r"/logout|/language|/shops/[0-9]{1,18}/check")
CSRF_FIELD = "csrf"


def csrf_token(session: Session) -> str:
    """The session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    token: str = session["csrf"]
    return token


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let a request through only if its operator, token and role allow it."""
    session = await get_session(request)
    if request.method == "POST":
        await _check_csrf(request, session)
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    operator = await _operator(request, session)
    if operator is None:
        raise web.HTTPSeeOther("/login")
    changing = request.method == "POST" and not VIEWER_POSTS.fullmatch(request.path)
    if changing and not operator.may_change:
        raise web.HTTPForbidden(text="viewers cannot change anything")
    request[OPERATOR] = operator
    return await handler(request)


async def _check_csrf(request: web.Request, session: Session) -> None:
    form = await request.post()
    sent = form.get(CSRF_FIELD)
    expected = session.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise web.HTTPForbidden(text="the form's security token is missing or wrong: reload")


async def _operator(request: web.Request, session: Session) -> OperatorView | None:
    # The cookie only names the session: it counts while its row is there (logout, removal,
    # a new role or password delete it), so a copied cookie dies with the session.
    sid = session.get("sid")
    if not isinstance(sid, str):
        return None
    async with request.app[SESSIONS]() as db:
        return await session_operator(db, sid, datetime.now(UTC))
