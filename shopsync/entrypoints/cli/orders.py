"""`shopsync orders ...`: one order as ShopSync knows it."""

from __future__ import annotations

import click

from shopsync.entrypoints.cli.context import (
    emit_json,
    emit_table,
    query,
    run_explained,
    sessions_of,
    settings,
)
from shopsync.service_layer.held_orders import NothingHeld, held_orders, release
from shopsync.service_layer.order_reports import OrderNotFound, order_report
from shopsync.service_layer.shops import ShopError


@click.group("orders")
def orders() -> None:
    """Shop orders: what their statuses did."""


@orders.command("show")
@click.argument("connection")
@click.argument("order_id")
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def show(connection: str, order_id: str, account: str | None, as_json: bool) -> None:
    """Statuses applied (and ignored, with why), documents, stock the order holds."""
    data = query(
        lambda session: order_report(session, connection, order_id, account),
        OrderNotFound,
        ShopError,
    )
    if as_json:
        emit_json(data)
        return
    click.echo(f"order {order_id} of {connection}: last status {data['last_status']}")
    click.echo("documents:")
    emit_table(
        data["documents"], ["id", "kind", "generation", "number", "draft", "status", "total_gross"]
    )
    click.echo("stock held:")
    emit_table(data["stock_held"], ["warehouse", "sku", "quantity"])
    if data["skus_not_found"]:
        click.echo(f"SKUs not found (no stock moved): {', '.join(data['skus_not_found'])}")
    click.echo("history:")
    emit_table(data["history"], ["status", "at", "result", "note"])


@orders.command("held")
@click.option("--json", "as_json", is_flag=True)
def held(as_json: bool) -> None:
    """Orders held for review: the field at fault and why (none is ever issued as a guess)."""
    rows = query(held_orders)
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["connection", "order", "status", "field", "value", "reason", "held_at"])


@orders.command("release")
@click.argument("connection")
@click.argument("order_id")
@click.option("--account", default=None)
def release_(connection: str, order_id: str, account: str | None) -> None:
    """Handle a held order again once the cause is fixed (a shop setting, say)."""
    current = settings()

    async def go() -> list[str]:
        async with sessions_of(current) as sessions:
            return await release(sessions, connection, order_id, account)

    for line in run_explained(go, NothingHeld, ShopError):
        click.echo(f"{order_id}: {line}")
