"""Registering a connection's order-status webhook in its shop: exactly one, current, on.

`shops connect`, `shops set`/`enable` (order intake switched on), `rotate-token` and the
console all register through `registered` and `try_registering` here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.errors import ShoprenterError
from shopsync.adapters.shoprenter.webhooks import shop_webhooks
from shopsync.domain.webhooks import Outcome, RegistrationPlan, WebhookTarget, registration_plan
from shopsync.service_layer.ports import ShopWebhooks
from shopsync.service_layer.shops import shop_access, webhook_url


@dataclass(frozen=True)
class WebhookHome:
    """Where the gateway listens and the key that keeps the connections' tokens secret."""

    base_url: str
    cipher: CredentialCipher

    def url_of(self, connection: ShopConnection) -> str:
        """The URL to paste into the shop's webhook settings."""
        return webhook_url(self.base_url, connection, self.cipher)


def webhook_target(
    base_url: str, connection: ShopConnection, cipher: CredentialCipher
) -> WebhookTarget:
    """The connection's webhook URL (as `shops show` prints it) and the part every one shares."""
    url = webhook_url(base_url, connection, cipher)
    return WebhookTarget(url, base_url, f"/webhooks/shoprenter/{connection.id}/")


async def register_webhook(
    shop: ShopWebhooks, target: WebhookTarget, create: bool = True
) -> Outcome:
    """Create (unless `create` is off) or repoint the connection's hook; again, nothing changes."""
    plan = registration_plan(await shop.list(), target)
    if plan.outcome is Outcome.CREATED and not create:
        return Outcome.MISSING
    await _carry_out(shop, plan, target.url)
    return plan.outcome


async def _carry_out(shop: ShopWebhooks, plan: RegistrationPlan, url: str) -> None:
    # The one kept is written before extras go: the shop is never left without a hook.
    if plan.outcome is Outcome.CREATED:
        await shop.create(url)
    elif plan.update_id is not None:
        await shop.update(plan.update_id, url)
    for hook_id in plan.delete_ids:
        await shop.delete(hook_id)


async def registered(connection: ShopConnection, home: WebhookHome, create: bool = True) -> Outcome:
    """The connection's webhook registered in its shop; ShoprenterError when out of reach."""
    target = webhook_target(home.base_url, connection, home.cipher)
    async with shop_webhooks(shop_access(connection, home.cipher)) as shop:
        return await register_webhook(shop, target, create)


async def try_registering(connection: ShopConnection, home: WebhookHome, create: bool) -> str:
    """What became of the shop's webhook, in a sentence: a shop out of reach is no error here."""
    fix = f"shopsync shops connect {connection.name}"
    try:
        outcome = await registered(connection, home, create)
    except ShoprenterError as exc:
        return (
            f"the shop's webhook is not updated ({exc}): run {fix} once the shop is reachable, "
            "or paste the URL (shops show) into Shoprenter: Automations → Webhook"
        )
    if outcome is Outcome.MISSING:
        return f"the shop has no webhook of this connection: {fix} registers one"
    return f"the shop's webhook: {outcome}"


async def webhook_after_change(
    connection: ShopConnection, applied: Mapping[str, Any], home: WebhookHome
) -> str | None:
    """Order intake switched on: the shop must send its orders, so its webhook is registered
    (after the change is committed); None when the change does not concern the webhook."""
    if applied.get("orders_enabled") is not True:
        return None
    return await try_registering(connection, home, True)
