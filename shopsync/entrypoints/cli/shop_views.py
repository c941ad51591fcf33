"""`shopsync shops list` and `show`: the connections, their switches and catalog download."""

from __future__ import annotations

from typing import Any

import click
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, CatalogSyncState, ShopConnection
from shopsync.entrypoints.cli.context import query
from shopsync.entrypoints.cli.output import emit_either, emit_rows
from shopsync.entrypoints.cli.shop_sessions import (
    Webhooks,
    connection_command,
    described,
    on_connection,
)
from shopsync.service_layer.shops import ShopError, describe

LIST_COLUMNS = [
    "id",
    "name",
    "account",
    "path",
    "auth",
    "enabled",
    "orders_enabled",
    "products_download_enabled",
    "products_upload_enabled",
    "stock_enabled",
    "stock_mode",
]


@click.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List every connection with its switches."""
    emit_rows(query(_every_connection, ShopError), LIST_COLUMNS, as_json)


async def _every_connection(session: AsyncSession) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(ShopConnection, Account.name).join(Account).order_by(ShopConnection.id)
        )
    ).all()
    return [describe(c, a) for c, a in rows]


@connection_command("show")
def show(name: str, account: str | None, as_json: bool) -> None:
    """Show a connection's settings and the webhook URL to paste into Shoprenter."""
    hooks = Webhooks.configured()

    async def details(session: AsyncSession, connection: ShopConnection) -> dict[str, Any]:
        data = await described(session, connection)
        data["webhook_url"] = hooks.url_of(connection)
        state = await session.get(CatalogSyncState, connection.id)
        data["catalog_download"] = None if state is None else _progress(state)
        return data

    emit_either(on_connection(name, account, details), as_json, _say_details)


def _progress(state: CatalogSyncState) -> dict[str, Any]:
    """How far the catalog download got, and how it last ended."""
    return {
        "done": state.done,
        "total": state.total,
        "first_sync_done": state.full_done,
        "last_success_at": state.last_success_at,
        "last_error": state.last_error,
    }


def _say_details(data: dict[str, Any]) -> None:
    click.echo(f"{data['name']} (id {data['id']}, account {data['account']})")
    click.echo(f"  webhook URL (Shoprenter: Automations → Webhook): {data['webhook_url']}")
    rest = {k: v for k, v in data.items() if k not in ("name", "id", "account", "webhook_url")}
    click.echo(
        "  "
        + yaml.safe_dump(rest, sort_keys=False, allow_unicode=True).replace("\n", "\n  ").rstrip()
    )
