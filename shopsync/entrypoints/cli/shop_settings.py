"""`shopsync shops set`, `enable` and `disable`: a connection's settings and feature switches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ShopConnection
from shopsync.entrypoints.cli.output import emit_either
from shopsync.entrypoints.cli.shop_sessions import (
    Webhooks,
    connection_command,
    described,
    on_connection,
)
from shopsync.service_layer.connection_settings import settings_help
from shopsync.service_layer.shops import apply_settings, check_references
from shopsync.service_layer.webhook_registration import webhook_after_change

#: What `--feature` switches: the connection as a whole, or one flow of it.
SWITCHES = {
    "all": "enabled",
    "orders": "orders_enabled",
    "products-download": "products_download_enabled",
    "products-upload": "products_upload_enabled",
    "stock": "stock_enabled",  # the mode stays as chosen
}

ASSIGNMENTS = click.argument("assignments", nargs=-1, required=True)
FEATURE = click.option("--feature", type=click.Choice(list(SWITCHES)), default="all")

Change = Callable[[ShopConnection], dict[str, Any]]


@connection_command("set", ASSIGNMENTS, epilog=settings_help())
def set_(name: str, assignments: tuple[str, ...], account: str | None, as_json: bool) -> None:
    """Change settings: `shops set NAME orders_draft=true stock_mode=upload ...`.

    Values are YAML: true/false, numbers, [7, 8], {"1": proforma}; an empty value clears.
    """
    changes = _parse_assignments(assignments)
    _change(name, account, as_json, lambda c: apply_settings(c, changes))


def _parse_assignments(assignments: tuple[str, ...]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in assignments:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.UsageError(f"expected KEY=VALUE, got {item!r}")
        changes[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
    return changes


@connection_command("disable", FEATURE)
def disable(name: str, feature: str, account: str | None, as_json: bool) -> None:
    """Switch a connection (or one feature) off without deleting it."""
    _change(name, account, as_json, lambda c: apply_settings(c, {SWITCHES[feature]: False}))


@connection_command("enable", FEATURE)
def enable(name: str, feature: str, account: str | None, as_json: bool) -> None:
    """Switch a connection (or one feature) back on."""
    _change(name, account, as_json, lambda c: apply_settings(c, {SWITCHES[feature]: True}))


def _change(name: str, account: str | None, as_json: bool, change: Change) -> None:
    """Apply `change` to the connection, refusing ids the account does not have; say what."""

    async def change_and_commit(
        session: AsyncSession, connection: ShopConnection
    ) -> dict[str, Any]:
        applied = change(connection)
        with session.no_autoflush:  # checked before the database sees the change
            await check_references(session, connection, applied)
        await session.commit()
        described_now = await described(session, connection)
        told = await webhook_after_change(connection, applied, Webhooks.configured())
        webhook = {} if told is None else {"webhook": told}
        return {"changed": applied, "connection": described_now, **webhook}

    data = on_connection(name, account, change_and_commit)
    emit_either(data, as_json, lambda changed: _say_changed(name, changed))


def _say_changed(name: str, data: dict[str, Any]) -> None:
    for key, value in data["changed"].items():
        click.echo(f"{name}: {key} = {value}")
    if "webhook" in data:
        click.echo(data["webhook"])
    hint = _hint(name, data["connection"])
    if hint:
        click.echo(hint)


def _hint(name: str, connection: dict[str, Any]) -> str:
    """What still keeps a change from having an effect."""
    if connection["stock_enabled"] and connection["stock_mode"] == "off":
        return f"stock sync is on but has no mode: shopsync shops set {name} stock_mode=upload"
    if not connection["stock_enabled"] and connection["stock_mode"] != "off":
        return f"stock sync is off: shopsync shops enable {name} --feature stock"
    if connection["orders_auto_accept"] and not connection["orders_enabled"]:
        return f"order intake is off: shopsync shops enable {name} --feature orders"
    return ""
