"""Reading Shoprenter's answers: bodies, collection pages and typed errors for failures."""

from __future__ import annotations

import json
from typing import Any

from shopsync.adapters.shoprenter.errors import (
    ShoprenterAuthError,
    ShoprenterError,
    ShoprenterNotFound,
    ShoprenterRateLimited,
    ShoprenterUnavailable,
    ShoprenterValidationError,
)


def body_or_error(shop: str, method: str, url: str, status: int, body: Any) -> Any:
    """The body of a 2xx answer; any other status raises the typed error it means."""
    if 200 <= status < 300:
        return body
    raise error_for(shop, method, url, status, body)


def error_for(shop: str, method: str, url: str, status: int, body: Any) -> ShoprenterError:
    message = _message(body)
    inner = _inner_code(body)
    what = f"{method} {url.split('?')[0].rsplit('/', 2)[-2:][0]} → {status} {message}".strip()
    if status in (401, 403):
        return ShoprenterAuthError(shop, f"credentials refused ({status})", status, inner)
    if status == 404:
        return ShoprenterNotFound(shop, what, status, inner)
    if status == 429:
        return ShoprenterRateLimited(shop, "still rate limited after retries", status)
    if 400 <= status < 500:
        return ShoprenterValidationError(shop, what, status, inner)
    return ShoprenterUnavailable(shop, what, status, inner)


def page_items(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects of one collection page (Shoprenter gives one item bare, not in a list)."""
    items = page.get("items")
    listed = items if isinstance(items, list) else ([items] if items else [])
    return [item for item in listed if isinstance(item, dict)]


def href(link: Any) -> str | None:
    if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
        return str(link["href"])
    return None


def json_or_text(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text[:500]


def _message(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error_description") or "")[:300]
    return str(body or "")[:300]


def _inner_code(body: Any) -> int | None:
    if isinstance(body, dict):
        for key in ("code", "innerCode", "errorCode"):
            try:
                return int(body[key])
            except (KeyError, TypeError, ValueError):
                continue
    return None
