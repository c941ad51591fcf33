"""`shopsync catalog ...`: what catalog sync would do, before it does it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.entrypoints.cli.context import database, emit_json, emit_table, run, settings
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
        async with database(current) as session:
            connection = await require_connection(session, name, account)
            connection_id = connection.id
        engine = create_engine(current.resolved_database_url)
        try:
            planned = await CatalogUploader(session_factory(engine)).plan(connection_id)
        finally:
            await engine.dispose()
        return [
            {
                "sku": p.product.sku,
                "action": p.action.value,
                "name": p.product.name,
                "price": p.product.net_price,
                "sale_price": p.product.sale_price,
                "remote_id": p.remote_id,
            }
            for p in planned
        ]

    try:
        rows = run(go)
    except ShopError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json(rows)
        return
    counts = Counter(r["action"] for r in rows)
    shown = rows if show_all else [r for r in rows if not r["action"].startswith("skip")]
    emit_table(shown, ["sku", "action", "name", "price", "sale_price"])
    click.echo(", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "no products")
    click.echo("Nothing was written. The upload overwrites these products in the shop.")
