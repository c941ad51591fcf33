"""`shopsync orders ...`: one order as ShopSync knows it."""

from __future__ import annotations

from typing import Any

import click

from shopsync.domain.order_reconciling import from_day
from shopsync.entrypoints.cli.context import (
    committed,
    query,
    run_explained,
    sessions_of,
    settings,
)
from shopsync.entrypoints.cli.output import emit_either, emit_rows, emit_table
from shopsync.entrypoints.cli.rates import mnb_client
from shopsync.service_layer.held_orders import NothingHeld, held_orders, release
from shopsync.service_layer.order_reconciling import backfill
from shopsync.service_layer.order_reports import OrderNotFound, order_report
from shopsync.service_layer.rate_book import RateBook
from shopsync.service_layer.shops import ShopError

DOCUMENT_COLUMNS = ["id", "kind", "generation", "number", "draft", "status", "total_gross"]
HELD_COLUMNS = ["connection", "order", "status", "field", "value", "reason", "held_at"]


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
    emit_either(data, as_json, lambda report: _say_order(connection, order_id, report))


def _say_order(connection: str, order_id: str, data: dict[str, Any]) -> None:
    click.echo(f"order {order_id} of {connection}: last status {data['last_status']}")
    click.echo("documents:")
    emit_table(data["documents"], DOCUMENT_COLUMNS)
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
    emit_rows(query(held_orders), HELD_COLUMNS, as_json)


@orders.command("release")
@click.argument("connection")
@click.argument("order_id")
@click.option("--account", default=None)
@click.option(
    "--accept-difference",
    is_flag=True,
    help="issue an order whose lines do not add up to the shop's total, with the difference "
    "as a line of its own (check the order in the shop first)",
)
def release_(connection: str, order_id: str, account: str | None, accept_difference: bool) -> None:
    """Handle a held order again once the cause is fixed (a shop setting, say)."""
    current = settings()

    async def go() -> list[str]:
        async with sessions_of(current) as sessions, mnb_client(current) as mnb:
            rates = RateBook(sessions, mnb)  # an order waiting for its rate gets it now
            return await release(sessions, connection, order_id, account, accept_difference, rates)

    for line in run_explained(go, NothingHeld, ShopError):
        click.echo(f"{order_id}: {line}")


@orders.command("backfill")
@click.argument("connection")
@click.option(
    "--since",
    required=True,
    help="the shop's local day or time to reconcile from, e.g. 2026-03-01 or 2026-03-01T08:00",
)
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
def backfill_(connection: str, since: str, account: str | None, as_json: bool) -> None:
    """Reconcile the shop's orders again from a past moment (its next poll reads them).

    Order statuses already handled are skipped; the others are issued by the status rules,
    as if their webhooks had arrived.
    """
    try:
        start = from_day(since)
    except ValueError as exc:
        raise click.BadParameter(f"{since!r} is not a day or a time", param_hint="--since") from exc
    data = committed(lambda session: backfill(session, connection, start, account), ShopError)
    emit_either(data, as_json, lambda d: click.echo(_said_backfill(d)))


def _said_backfill(data: dict[str, Any]) -> str:
    return (
        f"{data['connection']}: orders changed since {data['reconcile_from']} are reconciled "
        "by the next poll (catalog-sync runs it)"
    )
