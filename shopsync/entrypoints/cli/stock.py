"""`shopsync stock ...`: manual stock changes, recorded as movements and synced like any other."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from shopsync.entrypoints.cli.context import (
    emit_json,
    emit_table,
    query,
    run,
    settings,
    unit_of_work,
)
from shopsync.service_layer.catalog_admin import CatalogError
from shopsync.service_layer.catalog_reports import stock_of
from shopsync.service_layer.stock import StockError, set_stock


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
    try:
        amount = Decimal(quantity)
    except InvalidOperation as exc:
        raise click.BadParameter(f"{quantity!r} is not a number", param_hint="QUANTITY") from exc
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise click.BadParameter(f"{quantity!r} is not a stock level", param_hint="QUANTITY")
    current = settings()

    async def go() -> Decimal:
        async with unit_of_work(current) as uow:
            delta = await set_stock(uow, account, sku, warehouse, amount)
            await uow.commit()
            return delta

    try:
        delta = run(go)
    except StockError as exc:
        raise click.ClickException(str(exc)) from exc
    change = f"{delta.normalize():f}"
    click.echo(f"{sku} in {warehouse}: {amount} ({'+' if delta >= 0 else ''}{change})")


@stock.command("show")
@click.argument("sku")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def show(sku: str, account: str, as_json: bool) -> None:
    """SKU's level per warehouse and the movements that made it, with their documents."""
    data = query(lambda session: stock_of(session, account, sku), CatalogError)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{sku}:")
    for warehouse, quantity in data["levels"].items() or [("(no stock recorded)", "")]:
        click.echo(f"  {warehouse}  {quantity}")
    click.echo("movements (newest first):")
    emit_table(data["movements"], ["at", "warehouse", "quantity", "reason", "document", "note"])
