"""`shopsync account`: the supplier data every invoice reports."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.entrypoints.cli.context import committed, query
from shopsync.entrypoints.cli.output import emit_either, emit_json
from shopsync.service_layer.accounts import AccountError, account_named, set_supplier


@click.group("account")
def account() -> None:
    """The account's supplier data, reported on every invoice."""


@account.command("set")
@click.argument("name")
@click.option("--name", "supplier_name", help="the seller's registered name")
@click.option("--tax-number", help="Hungarian tax number, 12345678-2-41")
@click.option("--country-code", help="ISO country code (default HU)")
@click.option("--postcode")
@click.option("--city")
@click.option("--address", help="street, number and the rest, as one line")
@click.option("--bank-account", help="12345678-12345678[-12345678] or an IBAN")
@click.option("--eu-vat-number", help="EU VAT number (HU12345678), shown on the PDF when set")
@click.option("--json", "as_json", is_flag=True)
def set_(name: str, supplier_name: str | None, as_json: bool, **fields: str | None) -> None:
    """Set the supplier data of account NAME (only the options given change)."""
    changes = _supplier_changes(supplier_name, fields)

    async def change(session: AsyncSession) -> dict[str, Any]:
        return set_supplier(await account_named(session, name), changes)

    supplier = committed(change, AccountError)
    emit_either(supplier, as_json, lambda data: _say_supplier(name, data))


def _supplier_changes(supplier_name: str | None, fields: dict[str, str | None]) -> dict[str, Any]:
    """The options given, by the supplier field each sets; none given is a usage error."""
    changes: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if supplier_name is not None:
        changes["name"] = supplier_name
    if not changes:
        raise click.UsageError("give at least one of the options (see --help)")
    return changes


def _say_supplier(name: str, supplier: dict[str, Any]) -> None:
    click.echo(f"account {name}: supplier " + ", ".join(f"{k}={v}" for k, v in supplier.items()))


@account.command("show")
@click.argument("name")
def show(name: str) -> None:
    """The account's supplier data, as JSON."""

    async def supplier(session: AsyncSession) -> dict[str, Any]:
        account_row = await account_named(session, name)
        return dict((account_row.settings or {}).get("supplier", {}))

    emit_json(query(supplier, AccountError))
