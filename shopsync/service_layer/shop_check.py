"""`shops check`: can ShopSync reach the shop, and will the shop's orders reach ShopSync?"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.order_states import last_event_at
from shopsync.adapters.shoprenter.errors import ShoprenterAuthError, ShoprenterError
from shopsync.adapters.shoprenter.webhooks import shop_webhooks
from shopsync.domain.webhooks import Verdict, WebhookTarget, webhook_verdicts
from shopsync.service_layer.ports import ShopWebhooks
from shopsync.service_layer.shops import shop_access
from shopsync.service_layer.webhook_registration import WebhookHome, webhook_target

CREDENTIALS_FIX = (
    "check the API user and secret in Shoprenter (Settings → API settings); "
    "changed ones need a new connection: shopsync shops add"
)


async def check_connection(
    session: AsyncSession, connection: ShopConnection, home: WebhookHome, name: str
) -> list[Verdict]:
    """`shops check` of one connection: its shop over HTTP, then its last order event."""
    last = last_event_verdict(await last_event_at(session, connection.id), datetime.now(UTC))
    target = webhook_target(home.base_url, connection, home.cipher)
    access = shop_access(connection, home.cipher)
    async with shop_webhooks(access) as shop:
        return [*await check_shop(shop, target, name, access.base_url), last]


async def check_shop(
    shop: ShopWebhooks, target: WebhookTarget, name: str, api_url: str
) -> list[Verdict]:
    """Credentials, the API, then the webhook: each with the command that fixes it.

    `name` is how commands name the connection (with `--account A` when it needs one).
    """
    try:
        await shop.sign_in()
        hooks = await shop.list()
    except ShoprenterAuthError as exc:
        return [
            Verdict(
                False, f"credentials refused ({exc.status or 'token endpoint'})", CREDENTIALS_FIX
            )
        ]
    except ShoprenterError as exc:
        return [Verdict(False, f"API at {api_url} not reachable: {_reason(exc)}", _reach_fix(name))]
    reached = [Verdict(True, "credentials accepted"), Verdict(True, f"API reachable at {api_url}")]
    return reached + webhook_verdicts(hooks, target, f"shopsync shops connect {name}")


def _reason(exc: ShoprenterError) -> str:
    return str(exc).split(": ", 1)[-1][:200]


def _reach_fix(name: str) -> str:
    return f"check the shop's path and API URL (shopsync shops show {name}), then try again"


def last_event_verdict(at: datetime | None, now: datetime) -> Verdict:
    """When an order event of this connection was last processed (webhook or otherwise)."""
    if at is None:
        return Verdict(True, "no order event processed yet: change an order's status to test")
    minutes = int((now - at).total_seconds() // 60)
    return Verdict(True, f"last order event processed {at:%Y-%m-%d %H:%M} UTC ({minutes} min ago)")
