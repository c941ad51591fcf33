"""`shopsync warehouses ...` and `shopsync price-groups ...`: what products and stock refer to."""

from __future__ import annotations

from typing import Any

import click

from shopsync.adapters.db.models import PriceGroup, Warehouse
from shopsync.entrypoints.cli.arguments import is_currency_code
from shopsync.entrypoints.cli.context import committed, query
from shopsync.entrypoints.cli.output import emit_json, emit_rows
from shopsync.service_layer.catalog_admin import CatalogError, add_named, list_named

Model = type[PriceGroup] | type[Warehouse]


def _add(model: Model, account: str, name: str, **fields: Any) -> int:
    return committed(
        lambda session: add_named(session, model, account, name, **fields), CatalogError
    )


def _rows(model: Model, account: str, columns: list[str]) -> list[dict[str, Any]]:
    async def read(session: Any) -> list[dict[str, Any]]:
        return [
            {c: getattr(r, c) for c in columns} for r in await list_named(session, model, account)
        ]

    return query(read, CatalogError)


def _named_group(model: Model, noun: str, columns: list[str], help_: str) -> click.Group:
    """`add NAME` and `list` for a named thing of the account (warehouse, price group)."""
    group = click.Group(noun.replace(" ", "-") + "s", help=help_)
    account = click.option("--account", default="default", show_default=True)
    as_json = click.option("--json", "as_json", is_flag=True)

    @group.command("list", help=f"The {noun}s and their ids.")
    @account
    @as_json
    def list_(account: str, as_json: bool) -> None:
        rows = _rows(model, account, columns)
        emit_rows(rows, columns, as_json)

    return group


def _report(noun: str, row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(row)
    else:
        click.echo(f"{noun} {row['name']!r}: id {row['id']}")


warehouses = _named_group(
    Warehouse,
    "warehouse",
    ["id", "name"],
    "Warehouses (orders move stock in one; sync sums several).",
)
price_groups = _named_group(
    PriceGroup,
    "price group",
    ["id", "name", "currency"],
    "Price groups (the shop sync downloads into one, uploads from two).",
)


@warehouses.command("add")
@click.argument("name")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add_warehouse(name: str, account: str, as_json: bool) -> None:
    """Add a warehouse; its id is what the shop settings take."""
    _report("warehouse", {"id": _add(Warehouse, account, name), "name": name}, as_json)


@price_groups.command("add")
@click.argument("name")
@click.option("--currency", default="HUF", show_default=True)
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add_price_group(name: str, currency: str, account: str, as_json: bool) -> None:
    """Add a price group; its id is what the shop settings take."""
    if not is_currency_code(currency):
        raise click.BadParameter(f"{currency!r} is not an ISO 4217 code", param_hint="--currency")
    new_id = _add(PriceGroup, account, name, currency=currency.upper())
    _report("price group", {"id": new_id, "name": name, "currency": currency.upper()}, as_json)
