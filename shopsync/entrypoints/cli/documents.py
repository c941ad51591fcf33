"""`shopsync documents ...`: the invoices and proformas made from orders."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.document_rows import lines_of
from shopsync.adapters.db.models import Document, ShopConnection, SkuMiss, StockMovement
from shopsync.adapters.mail.relay import reference_of
from shopsync.domain.documents import round_money
from shopsync.entrypoints.cli.context import (
    database,
    emit_json,
    emit_table,
    run,
    settings,
    unit_of_work,
)
from shopsync.service_layer.drafts import DocumentError, finalize
from shopsync.service_layer.nav_export import ExportRefused, export_invoice_data


def _money(amount: Decimal, currency: str) -> str:
    return str(round_money(amount, currency))


def document_summary(document: Document, connection_name: str) -> dict[str, Any]:
    return {
        "id": document.id,
        "connection": connection_name,
        "order_ref": document.order_ref,
        "order_status": document.order_status,
        "kind": document.kind,
        "status": document.status,
        "draft": document.draft,
        "number": document.document_number,
        "buyer": document.buyer_name,
        "buyer_kind": document.buyer_kind,
        "currency": document.currency,
        "total_net": _money(document.total_net, document.currency),
        "total_vat": _money(document.total_vat, document.currency),
        "total_gross": _money(document.total_gross, document.currency),
        "email_status": document.email_status,
        "created_at": document.created_at,
    }


@click.group("documents")
def documents() -> None:
    """Invoices and proformas made from orders."""


@documents.command("list")
@click.option("--connection", "connection_name", default=None, help="only this connection")
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_(connection_name: str | None, limit: int, as_json: bool) -> None:
    """List the newest documents."""
    current = settings()

    async def go() -> list[dict[str, Any]]:
        async with database(current) as session:
            query = (
                select(Document, ShopConnection.name)
                .join(ShopConnection, ShopConnection.id == Document.connection_id)
                .order_by(Document.id.desc())
                .limit(limit)
            )
            if connection_name:
                query = query.where(ShopConnection.name == connection_name)
            return [document_summary(d, n) for d, n in (await session.execute(query)).all()]

    data = run(go)
    if as_json:
        emit_json(data)
    else:
        emit_table(
            data,
            [
                "id",
                "connection",
                "order_ref",
                "kind",
                "draft",
                "number",
                "buyer",
                "total_gross",
                "currency",
                "email_status",
            ],
        )


@documents.command("show")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(document_id: int, as_json: bool) -> None:
    """One document with its lines, stock movements and SKUs that matched no product."""
    current = settings()

    async def go() -> dict[str, Any] | None:
        async with database(current) as session:
            document = (
                await session.execute(
                    select(Document)
                    .options(selectinload(Document.lines))
                    .where(Document.id == document_id)
                )
            ).scalar_one_or_none()
            if document is None:
                return None
            connection = await session.get(ShopConnection, document.connection_id)
            assert connection is not None
            data = document_summary(document, connection.name)
            data["buyer_tax_number"] = document.buyer_tax_number
            data["buyer_email"] = document.buyer_email
            data["buyer_address"] = document.buyer_address
            data["reference"] = await reference_of(session, document)
            data["lines"] = [asdict(line) for line in lines_of(document.lines)]
            movements = (
                await session.execute(
                    select(StockMovement).where(StockMovement.document_id == document_id)
                )
            ).scalars()
            data["stock_movements"] = [
                {
                    "warehouse_id": m.warehouse_id,
                    "product_id": m.product_id,
                    "quantity": m.quantity,
                    "reason": m.reason,
                }
                for m in movements
            ]
            misses = (
                await session.execute(select(SkuMiss).where(SkuMiss.document_id == document_id))
            ).scalars()
            data["skus_not_found"] = [
                {"sku": m.sku, "why": "no product of the account has this SKU: no stock moved"}
                for m in misses
            ]
            return data

    data = run(go)
    if data is None:
        raise click.ClickException(f"no document {document_id}")
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if key not in ("lines", "stock_movements", "skus_not_found"):
            click.echo(f"{key:>16}: {value}")
    click.echo("lines:")
    emit_table(
        data["lines"],
        ["kind", "name", "sku", "quantity", "unit_net_price", "vat_rate", "net", "vat", "gross"],
    )
    if data["stock_movements"]:
        click.echo("stock movements:")
        emit_table(data["stock_movements"], ["warehouse_id", "product_id", "quantity", "reason"])
    for miss in data["skus_not_found"]:
        click.echo(f"SKU not found: {miss['sku']} ({miss['why']})")


@documents.command("finalize")
@click.argument("document_id", type=int)
def finalize_(document_id: int) -> None:
    """Number a draft and make it final (it is e-mailed then, if the shop says so)."""
    current = settings()

    async def go() -> str:
        async with unit_of_work(current) as uow:
            document = await finalize(uow, document_id)
            await uow.commit()
            return str(document.document_number)

    try:
        number = run(go)
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"document {document_id} is final: {number}")


@documents.command("export")
@click.argument("document_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nav-xml"]),
    default="nav-xml",
    show_default=True,
    help="nav-xml: the NAV Online Számla v3.0 InvoiceData document",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write here, not stdout")
def export(document_id: int, fmt: str, output: str | None) -> None:
    """The invoice's or storno's NAV InvoiceData XML, validated against NAV's schema."""
    current = settings()

    async def go() -> bytes:
        async with database(current) as session:
            return await export_invoice_data(session, document_id)

    try:
        xml = run(go)
    except ExportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    if output:
        Path(output).write_bytes(xml)
        click.echo(f"document {document_id}: InvoiceData written to {output}", err=True)
    else:
        click.echo(xml.decode("utf-8"), nl=False)
