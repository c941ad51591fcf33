"""`shopsync products ...`: the account's catalog, typed in or imported from CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.product_input import (
    COLUMNS,
    PRICE_PREFIX,
    ProductInputError,
    ProductSpec,
    product_spec,
    read_rows,
)
from shopsync.entrypoints.cli.context import in_unit_of_work, query
from shopsync.entrypoints.cli.output import emit_either, emit_rows
from shopsync.service_layer.catalog_admin import CatalogError, save_products
from shopsync.service_layer.catalog_reports import list_products, show_product

ERRORS = (CatalogError, ProductInputError)


@click.group("products")
def products() -> None:
    """The account's products: SKU is the key, in both directions of the shop sync."""


@products.command("add")
@click.argument("sku")
@click.option("--name", required=True)
@click.option("--vat-rate", required=True, help="27, 18, 5 or 0")
@click.option("--group", default="", help="product group (created if new)")
@click.option("--net-price", default="", help="base net price")
@click.option(
    "--price", "prices", multiple=True, metavar="GROUP=NET", help="net price in a price group"
)
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def add(
    sku: str,
    name: str,
    vat_rate: str,
    group: str,
    net_price: str,
    prices: tuple[str, ...],
    account: str,
    as_json: bool,
) -> None:
    """Add a product, or overwrite the one with this SKU."""
    pairs = dict(_price(p) for p in prices)
    try:
        spec = product_spec(sku, name, vat_rate, group, net_price, pairs)
    except ProductInputError as exc:
        raise click.BadParameter(str(exc)) from exc
    _save(account, [spec], as_json)


def _price(text: str) -> tuple[str, str]:
    group, sep, net = text.rpartition("=")
    if not sep or not group:
        raise click.BadParameter(f"{text!r}: expected GROUP=NET", param_hint="--price")
    return group, net


@products.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def import_(path: Path, account: str, as_json: bool) -> None:
    """Import a CSV file (UTF-8, header line): all its rows, or none of them.

    \b
    Columns: sku, name, group, vat_rate, net_price, and a price:GROUP column per price group,
    e.g.  sku,name,group,vat_rate,net_price,price:Retail
          A-1,Tulip,Flowers,27,1000,1200
    """
    _save(account, _read_csv(path), as_json)


def _read_csv(path: Path) -> list[ProductSpec]:
    """Every row of the file as a product, or a one-line error on the first that is not one."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        unknown = _unknown_columns(reader.fieldnames or [])
        if unknown:
            raise click.ClickException(f"{path}: unknown columns {unknown} (known: {COLUMNS})")
        try:
            return read_rows(reader)
        except ProductInputError as exc:
            raise click.ClickException(f"{path}: nothing imported: {exc}") from exc


def _unknown_columns(names: Sequence[str]) -> list[str]:
    return [c for c in names if c not in COLUMNS and not c.startswith(PRICE_PREFIX)]


def _save(account: str, specs: list[ProductSpec], as_json: bool) -> None:
    """Store the products in one unit of work; say what became of each SKU."""

    async def save(uow: SqlAlchemyUnitOfWork) -> list[tuple[str, str]]:
        return list(await save_products(uow, account, specs))

    results = in_unit_of_work(save, *ERRORS)
    changes = [{"sku": sku, "change": change} for sku, change in results]
    emit_either(changes, as_json, _say_saved)


def _say_saved(changes: list[dict[str, str]]) -> None:
    for row in changes:
        click.echo(f"{row['sku']}: {row['change']}")


@products.command("list")
@click.option("--group", default=None)
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_(group: str | None, account: str, as_json: bool) -> None:
    """The products with their base price and total stock."""
    rows = query(lambda session: list_products(session, account, group), *ERRORS)
    emit_rows(rows, ["sku", "name", "group", "vat_rate", "net_price", "stock"], as_json)


@products.command("show")
@click.argument("sku")
@click.option("--account", default="default", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def show(sku: str, account: str, as_json: bool) -> None:
    """One product: prices by price group, stock by warehouse."""
    data = query(lambda session: show_product(session, account, sku), *ERRORS)
    emit_either(data, as_json, _say_product)


def _say_product(data: dict[str, Any]) -> None:
    for key in ("sku", "name", "group", "vat_rate", "net_price"):
        click.echo(f"{key:>10}: {data[key]}")
    for title in ("prices", "stock"):
        click.echo(f"{title}:")
        for name, value in data[title].items() or [("(none)", "")]:
            click.echo(f"  {name}  {value}")
