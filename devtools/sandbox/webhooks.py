"""The sandbox's `/webHooks` as Shoprenter's: required fields, events, shapes, who is sent what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from devtools.sandbox.store import Row

EVENTS = frozenset(
    {
        "order_confirm",
        "order_status_change",
        "newsletter_subscribe",
        "newsletter_unsubscribe",
        "newsletter_update_subscriber",
        "abandoned_cart",
    }
)
REQUIRED = ("label", "event", "status", "webHookParameters")


def parameters(value: Any) -> list[dict[str, Any]]:
    """`webHookParameters` as a list: Shoprenter takes (and answers) an array or one object."""
    listed = value if isinstance(value, list) else [value]
    return [p for p in listed if isinstance(p, dict)]


def problem(fields: dict[str, Any], creating: bool) -> str | None:
    """Why Shoprenter would refuse this write of a webhook, or None."""
    missing = [k for k in REQUIRED if creating and fields.get(k) in (None, "", [], {})]
    if missing:
        return f"The following fields are required: {', '.join(missing)}!"
    if "event" in fields and fields["event"] not in EVENTS:
        return f"The given event is not available: {fields['event']}!"
    if "status" in fields and fields["status"] not in ("0", "1"):
        return "The status field must be 0 or 1!"
    return _parameter_problem(fields)


def _parameter_problem(fields: dict[str, Any]) -> str | None:
    for item in parameters(fields.get("webHookParameters")):
        if item.get("type") not in ("json", "xml") or not item.get("url"):
            return "webHookParameters need a type (json or xml) and a url!"
    return None


def rendered(out: dict[str, Any], listed: bool) -> dict[str, Any]:
    """A stored webhook as Shoprenter shows it: parameters and delay with their back-link.

    GET gives `webHookParameters` as an object, a write's answer as an array (both verbatim in
    the API's examples), so a client must read either.
    """
    back = {"webHook": {"href": out["href"]}}
    params = [{**p, **back} for p in parameters(out.get("webHookParameters"))]
    delays = [{**d, **back} for d in parameters(out.get("webHookDelay"))]
    out["webHookParameters"] = params if listed or len(params) != 1 else params[0]
    out["webHookDelay"] = delays if listed or len(delays) != 1 else delays[0]
    return out


def delivery_urls(hooks: Iterable[Row], event: str) -> list[str]:
    """Where an event goes now: switched-on hooks of that event without a delay."""
    return [
        str(p["url"])
        for hook in hooks
        if _sends_now(hook.fields, event)
        for p in parameters(hook.fields.get("webHookParameters"))
        if p.get("url")
    ]


def _sends_now(fields: dict[str, Any], event: str) -> bool:
    # A delayed hook is sent days or hours later: longer than a sandbox lives, so never.
    delayed = any(
        str(d.get("delay", "0")) not in ("", "0") for d in parameters(fields.get("webHookDelay"))
    )
    return fields.get("event") == event and fields.get("status") == "1" and not delayed
