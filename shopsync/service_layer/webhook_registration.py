"""Registering a connection's order-status webhook in its shop: exactly one, current, on."""

from __future__ import annotations

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.webhooks import Outcome, RegistrationPlan, WebhookTarget, registration_plan
from shopsync.service_layer.ports import ShopWebhooks
from shopsync.service_layer.shops import webhook_url


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
