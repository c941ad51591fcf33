"""`shopsync catalog ...`: what catalog sync would do, before it does it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from shopsync.domain.catalog import PlannedUpload
from shopsync.entrypoints.cli.context import run_explained, sessions_of, settings
from shopsync.entrypoints.cli.output import emit_either, emit_table
from shopsync.service_layer.catalog_plan import upload_plan
from shopsync.service_layer.shops import ShopError, require_connection


@click.group("catalog")
def catalog() -> None:
    """Products between the account and its shops."""


@catalog.command("plan")
@click.argument("name")
@click.option("--account", default=None)
@click.option("--all", "show_all", is_flag=True, help="list skipped products too")
@click.option("--json", "as_json", is_flag=True)
def plan(name: str, account: str | None, show_all: bool, as_json: bool) -> None:
    """Dry run: what the next upload would create, overwrite or skip. Writes nothing."""
    current = settings()

    async def go() -> list[dict[str, Any]]:
        async with sessions_of(current) as sessions, sessions() as session:
            connection = await require_connection(session, name, account)
            return [_row(p) for p in await upload_plan(session, connection)]

    rows = run_explained(go, ShopError)
    emit_either(rows, as_json, lambda planned: _say_plan(planned, show_all))


def _row(planned: PlannedUpload) -> dict[str, Any]:
    product = planned.product
    return {
        "sku": product.sku,
        "action": planned.action.value,
        "name": product.name,
        "price": product.net_price,
        "sale_price": product.sale_price,
        "remote_id": planned.remote_id,
    }


def _say_plan(rows: list[dict[str, Any]], show_all: bool) -> None:
    counts = Counter(r["action"] for r in rows)
    shown = rows if show_all else [r for r in rows if not r["action"].startswith("skip")]
    emit_table(shown, ["sku", "action", "name", "price", "sale_price"])
    click.echo(", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "no products")
    click.echo("Nothing was written. The upload overwrites these products in the shop.")
