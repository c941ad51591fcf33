"""`shopsync stock ...`: manual stock changes, recorded as movements and synced like any other."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from shopsync.entrypoints.cli.arguments import number
from shopsync.entrypoints.cli.context import in_unit_of_work, query
from shopsync.entrypoints.cli.output import emit_either, emit_table
from shopsync.service_layer.catalog_admin import CatalogError
from shopsync.service_layer.catalog_reports import stock_of
from shopsync.service_layer.stock import StockError, set_stock

MOVEMENT_COLUMNS = ["at", "warehouse", "quantity", "reason", "document", "note"]


@click.group("stock")
def stock() -> None:
    """Warehouse stock levels."""


@stock.command("set")
@click.argument("sku")
@click.argument("warehouse")
@click.argument("quantity")
@click.option("--account", default="default", show_default=True)
def set_(sku: str, warehouse: str, quantity: str, account: str) -> None:
    """Set SKU's level in WAREHOUSE to QUANTITY (the change is a manual movement)."""
    amount = _level(quantity)
    delta = in_unit_of_work(lambda uow: set_stock(uow, account, sku, warehouse, amount), StockError)
    change = f"{delta.normalize():f}"
    click.echo(f"{sku} in {warehouse}: {amount} ({'+' if delta >= 0 else ''}{change})")


def _level(text: str) -> Decimal:
    """A stock level: a finite number, below a trillion either way."""
    amount = number(text, "QUANTITY")
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise click.BadParameter(f"{text!r} is not a stock level", param_hint="QUANTITY")
    return amount


@stock.command("show")
@click.argument("sku")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def show(sku: str, account: str, as_json: bool) -> None:
    """SKU's level per warehouse and the movements that made it, with their documents."""
    data = query(lambda session: stock_of(session, account, sku), CatalogError)
    emit_either(data, as_json, lambda levels: _say_levels(sku, levels))


def _say_levels(sku: str, data: dict[str, Any]) -> None:
    click.echo(f"{sku}:")
    for warehouse, quantity in data["levels"].items() or [("(no stock recorded)", "")]:
        click.echo(f"  {warehouse}  {quantity}")
    click.echo("movements (newest first):")
    emit_table(data["movements"], MOVEMENT_COLUMNS)
