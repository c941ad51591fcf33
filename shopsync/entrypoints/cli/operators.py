"""`shopsync operators ...`: who may log in to the console, and with which role (a removal, a
new role or a new password logs the operator out everywhere)."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.entrypoints.cli.context import committed, query
from shopsync.entrypoints.cli.output import emit_table
from shopsync.service_layer.operator_changes import change_password, change_role, remove_operator
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


@operators_group.command("remove")
@click.argument("email")
def remove(email: str) -> None:
    """Remove an operator; their open console sessions end at once."""

    async def drop(session: AsyncSession) -> None:
        await remove_operator(session, email)

    committed(drop, OperatorError)
    click.echo(f"operator {email} removed")


@operators_group.command("role")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def role(email: str, role: str) -> None:
    """Give an operator another role; they log in again to use it."""

    async def store(session: AsyncSession) -> None:
        await change_role(session, email, role)

    committed(store, OperatorError)
    click.echo(f"operator {email} is now {role} (logged out)")


@operators_group.command("password")
@click.argument("email")
@click.password_option("--password", help="asked for when not given (never echoed)")
def password(email: str, password: str) -> None:
    """Set an operator's new password; their open console sessions end."""

    async def store(session: AsyncSession) -> None:
        await change_password(session, email, password)

    committed(store, OperatorError)
    click.echo(f"operator {email}: password changed (logged out)")
