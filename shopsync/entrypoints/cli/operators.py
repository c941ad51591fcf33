"""`shopsync operators ...`: who may log in to the console, and with which role."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.entrypoints.cli.context import committed, query
from shopsync.entrypoints.cli.output import emit_table
from shopsync.service_layer.operators import ROLES, OperatorError, add_operator, operators


@click.group("operators")
def operators_group() -> None:
    """The console's operators (admins change settings, viewers only look)."""


@operators_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.password_option("--password", help="asked for when not given (never echoed)")
def add(email: str, role: str, password: str) -> None:
    """Add an operator; the password is kept only as its argon2 hash."""

    async def store(session: AsyncSession) -> str:
        return (await add_operator(session, email, role, password)).email

    added = committed(store, OperatorError)
    click.echo(f"operator {added} added ({role})")


@operators_group.command("list")
def list_() -> None:
    """List the operators and their roles."""

    async def read(session: AsyncSession) -> list[dict[str, str]]:
        return [{"email": o.email, "role": o.role} for o in await operators(session)]

    emit_table(query(read), ["email", "role"])
