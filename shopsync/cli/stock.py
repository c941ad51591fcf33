"""`shopsync stock ...`: manual stock changes, recorded as movements and synced like any other."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from shopsync.cli.context import run, settings, unit_of_work
from shopsync.stock import StockError, set_stock


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
