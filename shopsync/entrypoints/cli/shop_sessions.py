"""What the shop commands share: their parameters, the named connection, its description and URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, ShopConnection
from shopsync.entrypoints.cli.context import cipher, query, settings
from shopsync.service_layer.shops import ShopError, describe, require_connection
from shopsync.service_layer.webhook_registration import WebhookHome

T = TypeVar("T")
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def connection_command(
    verb: str, *own: Decorator, epilog: str | None = None
) -> Callable[[Callable[..., None]], click.Command]:
    """A `shops` command on connection NAME: its own parameters, then --account and --json."""
    shared: tuple[Decorator, ...] = (
        click.argument("name"),
        *own,
        click.option("--account", default=None),
        click.option("--json", "as_json", is_flag=True),
    )

    def command(fn: Callable[..., None]) -> click.Command:
        for parameter in reversed(shared):
            fn = parameter(fn)
        return click.command(verb, epilog=epilog)(fn)

    return command


@dataclass(frozen=True)
class Webhooks(WebhookHome):
    """Where the gateway listens, as this command's settings say."""

    @classmethod
    def configured(cls) -> Webhooks:
        current = settings()
        return cls(current.webhook_base_url, cipher(current))


def on_connection(
    name: str,
    account: str | None,
    act: Callable[[AsyncSession, ShopConnection], Awaitable[T]],
) -> T:
    """`act` on the connection called `name`; a ShopError (none by that name, say) is one line."""

    async def find_and_act(session: AsyncSession) -> T:
        return await act(session, await require_connection(session, name, account))

    return query(find_and_act, ShopError)


async def described(session: AsyncSession, connection: ShopConnection) -> dict[str, Any]:
    """The connection's settings with its account's name, for display."""
    owner = await session.get(Account, connection.account_id)
    assert owner is not None
    return describe(connection, owner.name)
