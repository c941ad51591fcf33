"""`shopsync shops connect` and `check`: the shop's webhook registered, the connection checked."""

from __future__ import annotations

from dataclasses import asdict

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.shoprenter.errors import ShoprenterError
from shopsync.domain.webhooks import ORDER_STATUS_CHANGE, Verdict
from shopsync.entrypoints.cli.output import emit_either
from shopsync.entrypoints.cli.shop_sessions import Webhooks, connection_command, on_connection
from shopsync.service_layer.shop_check import check_connection
from shopsync.service_layer.shops import ShopError
from shopsync.service_layer.webhook_registration import registered


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
        return await check_connection(session, connection, where, named)

    found = on_connection(name, account, verdicts)
    emit_either([asdict(v) for v in found], as_json, lambda _: _say(found))
    if not all(v.ok for v in found):
        click.get_current_context().exit(1)


def _say(verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        click.echo(verdict.line)
