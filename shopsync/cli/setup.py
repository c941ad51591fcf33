"""`shopsync warehouses ...` and `shopsync price-groups ...`: what products and stock refer to."""

from __future__ import annotations

from typing import Any

import click

from shopsync.cli.context import database, emit_json, emit_table, run_explained, settings
from shopsync.db.models import PriceGroup, Warehouse
from shopsync.service_layer.catalog_admin import CatalogError, add_named, list_named


def _add(model: type[PriceGroup] | type[Warehouse], account: str, name: str, **fields: Any) -> int:
    current = settings()

    async def go() -> int:
        async with database(current) as session:
            new_id = await add_named(session, model, account, name, **fields)
            await session.commit()
            return new_id

    return run_explained(go, CatalogError)


def _list(model: type[PriceGroup] | type[Warehouse], account: str) -> list[Any]:
    current = settings()

    async def go() -> list[Any]:
        async with database(current) as session:
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    **({"currency": r.currency} if model is PriceGroup else {}),
                }
                for r in await list_named(session, model, account)
            ]

    return run_explained(go, CatalogError)


@click.group("warehouses")
def warehouses() -> None:
    """The account's warehouses (orders move stock in one; stock sync sums several)."""


@warehouses.command("add")
@click.argument("name")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add_warehouse(name: str, account: str, as_json: bool) -> None:
    """Add a warehouse; its id is what the shop settings take."""
    new_id = _add(Warehouse, account, name)
    if as_json:
        emit_json({"id": new_id, "name": name})
    else:
        click.echo(f"warehouse {name!r}: id {new_id}")


@warehouses.command("list")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_warehouses(account: str, as_json: bool) -> None:
    """The warehouses and their ids."""
    rows = _list(Warehouse, account)
    emit_json(rows) if as_json else emit_table(rows, ["id", "name"])


@click.group("price-groups")
def price_groups() -> None:
    """The account's price groups (the shop sync downloads into one, uploads from two)."""


@price_groups.command("add")
@click.argument("name")
@click.option("--currency", default="HUF", show_default=True)
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add_price_group(name: str, currency: str, account: str, as_json: bool) -> None:
    """Add a price group; its id is what the shop settings take."""
    if len(currency) != 3 or not currency.isalpha():
        raise click.BadParameter(f"{currency!r} is not an ISO 4217 code", param_hint="--currency")
    new_id = _add(PriceGroup, account, name, currency=currency.upper())
    if as_json:
        emit_json({"id": new_id, "name": name, "currency": currency.upper()})
    else:
        click.echo(f"price group {name!r}: id {new_id}")


@price_groups.command("list")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_price_groups(account: str, as_json: bool) -> None:
    """The price groups and their ids."""
    rows = _list(PriceGroup, account)
    emit_json(rows) if as_json else emit_table(rows, ["id", "name", "currency"])
