"""Rendering a page: the template with who is logged in, the CSRF token, labels and formats."""

from __future__ import annotations

from functools import partial
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from services.console import formats
from services.console.guard import csrf_token
from services.console.keys import OPERATOR
from services.console.labels import label


async def language_of(request: web.Request) -> str:
    """The operator's chosen language: English unless Hungarian was chosen."""
    return "hu" if (await get_session(request)).get("lang") == "hu" else "en"


async def flash(request: web.Request, text: str) -> None:
    """A sentence for the next page shown to this operator (after a redirect)."""
    (await get_session(request))["flash"] = text[:500]


async def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    """The page, with what every template may use."""
    session = await get_session(request)
    language = await language_of(request)
    common = {
        "operator": request.get(OPERATOR),
        "csrf": csrf_token(session),
        "lang": language,
        "t": partial(label, language=language),
        "num": partial(formats.number, language=language),
        "money": partial(formats.money, language=language),
        "when": partial(formats.moment, language=language),
        "day": partial(formats.day, language=language),
        "path": request.path,
        "flash": session.pop("flash", None),
    }
    return aiohttp_jinja2.render_template(template, request, {**common, **context}, status=status)
