"""`shopsync shops add` and `rotate-token`: a shop's credentials and its webhook token."""

from __future__ import annotations

import os
import sys
from typing import Any, Literal, TypedDict

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ShopConnection
from shopsync.entrypoints.cli.context import query
from shopsync.entrypoints.cli.output import emit_either
from shopsync.entrypoints.cli.shop_sessions import Webhooks, connection_command, on_connection
from shopsync.service_layer.shops import ShopError, add_connection, describe, rotate_token
from shopsync.service_layer.webhook_registration import try_registering


class Login(TypedDict):
    """How ShopSync signs in to the shop's API."""

    auth_kind: Literal["basic", "oauth"]
    api_user: str
    api_secret: str


class Address(TypedDict):
    """Where the shop's API is."""

    path: str
    api_url: str | None
    oauth_token_url: str | None


@click.command("add")
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
    login = _login(api_user, api_secret, client_id, client_secret)
    address = Address(path=path, api_url=api_url, oauth_token_url=token_url)
    data = _connect(account, name, login, address)
    emit_either(data, as_json, lambda connected: _say_connected(name, connected))


def _login(
    api_user: str | None, api_secret: str | None, client_id: str | None, client_secret: str | None
) -> Login:
    """Basic auth or OAuth, exactly one, its secret from the option, the environment or a prompt."""
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
    return Login(auth_kind=kind, api_user=user, api_secret=secret)


def _secret(given: str | None, env_name: str, prompt: str) -> str | None:
    if given:
        return given
    if os.environ.get(env_name):
        return os.environ[env_name]
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True))
    return None


def _connect(account: str, name: str, login: Login, address: Address) -> dict[str, Any]:
    """Store the connection; its description with the webhook URL to paste into the shop."""
    hooks = Webhooks.configured()

    async def store(session: AsyncSession) -> dict[str, Any]:
        connection = await add_connection(
            session, hooks.cipher, account=account, name=name, **login, **address
        )
        await session.commit()
        return {**describe(connection, account), "webhook_url": hooks.url_of(connection)}

    return query(store, ShopError)


def _say_connected(name: str, data: dict[str, Any]) -> None:
    click.echo(f"connected {name} (id {data['id']}): every feature is off until you switch it on")
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
            f"  (this registers the shop's webhook too: shopsync shops check {name} verifies it)",
            "Products and stock: shopsync shops set --help lists every setting;",
            f"  shopsync shops enable {name} --feature products-download|products-upload|stock",
        ]
    )


@connection_command("rotate-token")
def rotate(name: str, account: str | None, as_json: bool) -> None:
    """Give the connection a new webhook token; the shop's webhook is pointed at the new URL."""
    hooks = Webhooks.configured()

    async def rotate_and_commit(
        session: AsyncSession, connection: ShopConnection
    ) -> dict[str, str]:
        rotate_token(connection, hooks.cipher)
        await session.commit()  # the old URL stops working whether or not the shop answers
        told = await try_registering(connection, hooks, create=False)
        return {"name": name, "webhook_url": hooks.url_of(connection), "shop_webhook": told}

    emit_either(on_connection(name, account, rotate_and_commit), as_json, _say_rotated)


def _say_rotated(data: dict[str, str]) -> None:
    click.echo(f"new webhook URL: {data['webhook_url']}")
    click.echo(data["shop_webhook"])
