"""`shopsync shops ...`: connect Shoprenter shops and switch their features."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, Literal

import click
import yaml
from sqlalchemy import select

from shopsync.adapters.db.models import Account, CatalogSyncState, ShopConnection
from shopsync.entrypoints.cli.context import cipher, database, emit_json, emit_table, run, settings
from shopsync.service_layer.connection_settings import settings_help
from shopsync.service_layer.shops import (
    ShopError,
    add_connection,
    apply_settings,
    check_references,
    describe,
    require_connection,
    rotate_token,
    webhook_url,
)


@click.group("shops")
def shops() -> None:
    """Connect Shoprenter shops and switch their features on and off."""


def _secret(given: str | None, env_name: str, prompt: str) -> str | None:
    if given:
        return given
    if os.environ.get(env_name):
        return os.environ[env_name]
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True))
    return None


@shops.command("add")
@click.argument("name")
@click.option("--path", "path", required=True, help="xxxx in https://xxxx.api.myshoprenter.hu")
@click.option("--api-user", help="Basic auth user (Settings > API settings)")
@click.option("--api-secret", help="Basic auth password; else $SHOPRENTER_API_SECRET or a prompt")
@click.option("--client-id", help="OAuth client id of a custom API client")
@click.option(
    "--client-secret", help="OAuth client secret; else $SHOPRENTER_CLIENT_SECRET or a prompt"
)
@click.option("--api-url", help="API base URL override (a sandbox, for instance)")
@click.option("--token-url", help="OAuth token URL override")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add(
    name: str,
    path: str,
    api_user: str | None,
    api_secret: str | None,
    client_id: str | None,
    client_secret: str | None,
    api_url: str | None,
    token_url: str | None,
    account: str,
    as_json: bool,
) -> None:
    """Connect a shop. Secrets are stored encrypted and never printed."""
    if bool(api_user) == bool(client_id):
        raise click.UsageError("give either --api-user (Basic) or --client-id (OAuth)")
    kind: Literal["basic", "oauth"]
    if api_user:
        kind, user = "basic", api_user
        secret = _secret(api_secret, "SHOPRENTER_API_SECRET", "API password")
    else:
        kind, user = "oauth", str(client_id)
        secret = _secret(client_secret, "SHOPRENTER_CLIENT_SECRET", "OAuth client secret")
    if not secret:
        raise click.UsageError("no secret given: use the option, the environment or a terminal")
    current = settings()
    crypt = cipher(current)

    async def go() -> dict[str, Any]:
        async with database(current) as session:
            connection = await add_connection(
                session,
                crypt,
                account=account,
                name=name,
                path=path,
                auth_kind=kind,
                api_user=user,
                api_secret=secret,
                api_url=api_url,
                oauth_token_url=token_url,
            )
            await session.commit()
            data = describe(connection, account)
            data["webhook_url"] = webhook_url(current.webhook_base_url, connection, crypt)
            return data

    data = _guard(go)
    if as_json:
        emit_json(data)
    else:
        click.echo(
            f"connected {name} (id {data['id']}): every feature is off until you switch it on"
        )
        click.echo(f"webhook URL: {data['webhook_url']}")
        click.echo(_next_steps(name))


def _next_steps(name: str) -> str:
    """The commands that make a new connection do something (status ids as the shop has them)."""
    return "\n".join(
        [
            "To turn orders into documents (status ids from the shop's order status list):",
            f"  shopsync shops set {name} orders_cancel_status_ids=[7] "
            '\'orders_status_rules={"1": proforma, "6": invoice}\'',
            f"  shopsync shops set {name} orders_enabled=true orders_auto_accept=true",
            "Products and stock: shopsync shops set --help lists every setting;",
            f"  shopsync shops enable {name} --feature products-download|products-upload|stock",
        ]
    )


def _guard(fn: Any) -> Any:
    try:
        return run(fn)
    except ShopError as exc:
        raise click.ClickException(str(exc)) from exc


@shops.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List every connection with its switches."""
    current = settings()

    async def go() -> list[dict[str, Any]]:
        async with database(current) as session:
            rows = (
                await session.execute(
                    select(ShopConnection, Account.name).join(Account).order_by(ShopConnection.id)
                )
            ).all()
            return [describe(c, a) for c, a in rows]

    data = _guard(go)
    if as_json:
        emit_json(data)
    else:
        emit_table(
            data,
            [
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
            ],
        )


@shops.command("show")
@click.argument("name")
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def show(name: str, account: str | None, as_json: bool) -> None:
    """Show a connection's settings and the webhook URL to paste into Shoprenter."""
    current = settings()
    crypt = cipher(current)

    async def go() -> dict[str, Any]:
        async with database(current) as session:
            connection = await require_connection(session, name, account)
            owner = await session.get(Account, connection.account_id)
            assert owner is not None
            data = describe(connection, owner.name)
            data["webhook_url"] = webhook_url(current.webhook_base_url, connection, crypt)
            state = await session.get(CatalogSyncState, connection.id)
            data["catalog_download"] = (
                None
                if state is None
                else {
                    "done": state.done,
                    "total": state.total,
                    "first_sync_done": state.full_done,
                    "last_success_at": state.last_success_at,
                    "last_error": state.last_error,
                }
            )
            return data

    data = _guard(go)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['name']} (id {data['id']}, account {data['account']})")
    click.echo(f"  webhook URL (Shoprenter: Automations → Webhook): {data['webhook_url']}")
    rest = {k: v for k, v in data.items() if k not in ("name", "id", "account", "webhook_url")}
    click.echo(
        "  "
        + yaml.safe_dump(rest, sort_keys=False, allow_unicode=True).replace("\n", "\n  ").rstrip()
    )


def _parse_assignments(assignments: tuple[str, ...]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in assignments:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.UsageError(f"expected KEY=VALUE, got {item!r}")
        changes[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
    return changes


@shops.command("set", epilog=settings_help())
@click.argument("name")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def set_(name: str, assignments: tuple[str, ...], account: str | None, as_json: bool) -> None:
    """Change settings: `shops set NAME orders_draft=true stock_mode=upload ...`.

    Values are YAML: true/false, numbers, [7, 8], {"1": proforma}; an empty value clears.
    """
    changes = _parse_assignments(assignments)
    _change(name, account, as_json, lambda c: apply_settings(c, changes))


@shops.command("disable")
@click.argument("name")
@click.option(
    "--feature",
    type=click.Choice(["all", "orders", "products-download", "products-upload", "stock"]),
    default="all",
)
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def disable(name: str, feature: str, account: str | None, as_json: bool) -> None:
    """Switch a connection (or one feature) off without deleting it."""
    _change(name, account, as_json, lambda c: apply_settings(c, _switch(feature, False)))


@shops.command("enable")
@click.argument("name")
@click.option(
    "--feature",
    type=click.Choice(["all", "orders", "products-download", "products-upload", "stock"]),
    default="all",
)
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def enable(name: str, feature: str, account: str | None, as_json: bool) -> None:
    """Switch a connection (or one feature) back on."""
    _change(name, account, as_json, lambda c: apply_settings(c, _switch(feature, True)))


def _switch(feature: str, on: bool) -> dict[str, Any]:
    switches: dict[str, dict[str, Any]] = {
        "all": {"enabled": on},
        "orders": {"orders_enabled": on},
        "products-download": {"products_download_enabled": on},
        "products-upload": {"products_upload_enabled": on},
        "stock": {"stock_enabled": on},  # the mode stays as chosen
    }
    return switches[feature]


@shops.command("rotate-token")
@click.argument("name")
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def rotate(name: str, account: str | None, as_json: bool) -> None:
    """Give the connection a new webhook token; the old URL stops working."""
    current = settings()
    crypt = cipher(current)

    async def go() -> dict[str, Any]:
        async with database(current) as session:
            connection = await require_connection(session, name, account)
            rotate_token(connection, crypt)
            await session.commit()
            return {
                "name": name,
                "webhook_url": webhook_url(current.webhook_base_url, connection, crypt),
            }

    data = _guard(go)
    if as_json:
        emit_json(data)
    else:
        click.echo(f"new webhook URL: {data['webhook_url']}")


def _change(
    name: str,
    account: str | None,
    as_json: bool,
    change: Callable[[ShopConnection], dict[str, Any]],
) -> None:
    current = settings()

    async def go() -> dict[str, Any]:
        async with database(current) as session:
            connection = await require_connection(session, name, account)
            applied = change(connection)
            with session.no_autoflush:  # checked before the database sees the change
                await check_references(session, connection, applied)
            await session.commit()
            owner = await session.get(Account, connection.account_id)
            assert owner is not None
            return {"changed": applied, "connection": describe(connection, owner.name)}

    data = _guard(go)
    if as_json:
        emit_json(data)
        return
    for key, value in data["changed"].items():
        click.echo(f"{name}: {key} = {value}")
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
