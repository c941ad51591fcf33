"""`shopsync shops connect` and `check`: the shop's webhook registered, the connection checked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime

import aiohttp
import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.order_states import last_event_at
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.errors import ShoprenterError
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.adapters.shoprenter.webhooks import HttpShoprenterWebhooks
from shopsync.domain.webhooks import ORDER_STATUS_CHANGE, Outcome, Verdict
from shopsync.entrypoints.cli.output import emit_either
from shopsync.entrypoints.cli.shop_sessions import Webhooks, connection_command, on_connection
from shopsync.service_layer.shop_check import check_shop, last_event_verdict
from shopsync.service_layer.shops import ShopError, shop_access
from shopsync.service_layer.webhook_registration import register_webhook, webhook_target

#: A person waits for these calls: a few quick retries, not a worker's minute of backoff.
CLI_RETRY = RetryPolicy(max_attempts=3, base_s=0.25, cap_s=2.0)


@asynccontextmanager
async def shop_webhooks(
    connection: ShopConnection, cipher: CredentialCipher
) -> AsyncIterator[HttpShoprenterWebhooks]:
    """The connection's shop webhooks over a session of its own, paced as every client."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
        access = shop_access(connection, cipher)
        yield HttpShoprenterWebhooks(HttpShoprenterClient(access, http, retry=CLI_RETRY))


async def registered(connection: ShopConnection, where: Webhooks, create: bool = True) -> Outcome:
    """The connection's webhook registered in its shop; ShoprenterError when out of reach."""
    target = webhook_target(where.base_url, connection, where.cipher)
    async with shop_webhooks(connection, where.cipher) as shop:
        return await register_webhook(shop, target, create)


async def try_registering(connection: ShopConnection, where: Webhooks, create: bool) -> str:
    """What became of the shop's webhook, in a sentence: a shop out of reach is no error here."""
    fix = f"shopsync shops connect {connection.name}"
    try:
        outcome = await registered(connection, where, create)
    except ShoprenterError as exc:
        return (
            f"the shop's webhook is not updated ({exc}): run {fix} once the shop is reachable, "
            "or paste the URL (shops show) into Shoprenter: Automations → Webhook"
        )
    if outcome is Outcome.MISSING:
        return f"the shop has no webhook of this connection: {fix} registers one"
    return f"the shop's webhook: {outcome}"


@connection_command("connect")
def connect(name: str, account: str | None, as_json: bool) -> None:
    """Register the shop's order-status webhook at this connection (again: changes nothing)."""
    where = Webhooks.configured()

    async def register(session: AsyncSession, connection: ShopConnection) -> dict[str, str]:
        try:
            outcome = await registered(connection, where)
        except ShoprenterError as exc:
            raise ShopError(f"the webhook could not be registered: {exc}") from exc
        return {"name": name, "webhook": str(outcome)}

    emit_either(
        on_connection(name, account, register),
        as_json,
        lambda data: click.echo(
            f"{name}: webhook {data['webhook']} "
            f"({ORDER_STATUS_CHANGE} → {where.base_url}/webhooks/shoprenter/…)"
        ),
    )


@connection_command("check")
def check(name: str, account: str | None, as_json: bool) -> None:
    """Check credentials, the API, the shop's webhook and the last order event; exit 1 on a FAIL."""
    where = Webhooks.configured()
    named = name if account is None else f"{name} --account {account}"

    async def verdicts(session: AsyncSession, connection: ShopConnection) -> list[Verdict]:
        last = last_event_verdict(await last_event_at(session, connection.id), datetime.now(UTC))
        target = webhook_target(where.base_url, connection, where.cipher)
        api_url = shop_access(connection, where.cipher).base_url
        async with shop_webhooks(connection, where.cipher) as shop:
            return [*await check_shop(shop, target, named, api_url), last]

    found = on_connection(name, account, verdicts)
    emit_either([asdict(v) for v in found], as_json, lambda _: _say(found))
    if not all(v.ok for v in found):
        click.get_current_context().exit(1)


def _say(verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        click.echo(verdict.line)
