"""The shop's webhook ShopSync owns: which hooks are a connection's, what to change, what is wrong.

Shoprenter sends each registered hook every event once, so a connection must have exactly one
`order_status_change` hook pointing at it: two would deliver every order twice, none loses them.
A hook is the connection's when its URL is under the connection's own prefix (base URL and
connection id); the token after it changes with `rotate-token`. Every other hook is the
shop owner's and is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

ORDER_STATUS_CHANGE = "order_status_change"
#: Shown in the shop's admin: recognisable, so that nobody deletes it by accident.
LABEL = "ShopSync – order status"


@dataclass(frozen=True)
class ShopWebhook:
    hook_id: str
    event: str
    url: str
    active: bool


@dataclass(frozen=True)
class WebhookTarget:
    """Where a connection's webhooks go: `base` + `path` + its current token."""

    url: str
    base: str
    path: str  # /webhooks/shoprenter/{connection id}/

    def owns(self, hook: ShopWebhook) -> bool:
        return hook.event == ORDER_STATUS_CHANGE and hook.url.startswith(self.base + self.path)

    def elsewhere(self, hook: ShopWebhook) -> bool:
        """The connection's path on another host: a hook left from an earlier PUBLIC_BASE_URL."""
        return hook.event == ORDER_STATUS_CHANGE and self.path in hook.url and not self.owns(hook)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "already registered"
    MISSING = "not registered"  # none there, and none was to be created


@dataclass(frozen=True)
class RegistrationPlan:
    outcome: Outcome
    update_id: str | None = None  # the hook to point at the current URL and switch on
    delete_ids: tuple[str, ...] = ()  # the connection's extra hooks (a lost answer's duplicate)


def registration_plan(hooks: Sequence[ShopWebhook], target: WebhookTarget) -> RegistrationPlan:
    """What makes the connection's hooks exactly one, current and switched on."""
    ours = sorted(
        (h for h in hooks if target.owns(h)), key=lambda h: (h.url != target.url, not h.active)
    )
    if not ours:
        return RegistrationPlan(Outcome.CREATED)
    keep = ours[0]
    extras = tuple(h.hook_id for h in hooks if target.owns(h) and h is not keep)
    current = keep.url == target.url and keep.active
    outcome = Outcome.UNCHANGED if current and not extras else Outcome.UPDATED
    return RegistrationPlan(outcome, None if current else keep.hook_id, extras)


@dataclass(frozen=True)
class Verdict:
    """One thing `shops check` looked at: ok or not, and the command that fixes it."""

    ok: bool
    what: str
    fix: str = ""

    @property
    def line(self) -> str:
        fix = f" — {self.fix}" if self.fix and not self.ok else ""
        return f"{'ok' if self.ok else 'FAIL'} {self.what}{fix}"


def webhook_verdicts(
    hooks: Sequence[ShopWebhook], target: WebhookTarget, fix: str
) -> list[Verdict]:
    """The connection's hook: there (once), at the current URL, switched on. Never the token."""
    ours = [h for h in hooks if target.owns(h)]
    if not ours:
        return [_missing(hooks, target, fix)]
    if len(ours) > 1:
        return [Verdict(False, f"{len(ours)} webhooks send each order to ShopSync", fix)]
    hook = ours[0]
    return [
        Verdict(True, f"webhook {ORDER_STATUS_CHANGE} registered (id {hook.hook_id})"),
        _url_verdict(hook, target, fix),
        _active_verdict(hook, fix),
    ]


def _missing(hooks: Sequence[ShopWebhook], target: WebhookTarget, fix: str) -> Verdict:
    stray = [urlsplit(h.url).netloc for h in hooks if target.elsewhere(h)]
    where = f" (one points at {stray[0]}, not {urlsplit(target.base).netloc})" if stray else ""
    return Verdict(False, f"no {ORDER_STATUS_CHANGE} webhook sends to ShopSync{where}", fix)


def _url_verdict(hook: ShopWebhook, target: WebhookTarget, fix: str) -> Verdict:
    if hook.url == target.url:
        return Verdict(True, f"webhook URL is the current one ({target.base}{target.path}…)")
    return Verdict(False, "webhook URL has an old token: it was rotated since", fix)


def _active_verdict(hook: ShopWebhook, fix: str) -> Verdict:
    if hook.active:
        return Verdict(True, "webhook switched on")
    return Verdict(False, "webhook is off", fix)
