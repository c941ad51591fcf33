"""`shopsync documents ...`: the invoices and proformas made from orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from shopsync.entrypoints.cli.context import in_unit_of_work, query
from shopsync.entrypoints.cli.output import emit_either, emit_rows, emit_table
from shopsync.service_layer.document_pdf import PageRefused, rendered_document
from shopsync.service_layer.document_reads import document_details, newest_documents
from shopsync.service_layer.drafts import DocumentError, finalize
from shopsync.service_layer.nav_export import ExportRefused, export_invoice_data

LIST_COLUMNS = [
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
]
LINE_COLUMNS = [
    "kind",
    "name",
    "sku",
    "quantity",
    "unit_net_price",
    "vat_rate",
    "net",
    "vat",
    "gross",
]
MOVEMENT_COLUMNS = ["warehouse_id", "product_id", "quantity", "reason"]
#: What `show` puts in tables and lines of their own rather than as `key: value`.
LISTED = ("lines", "stock_movements", "skus_not_found", "writeback", "nav")


@click.group("documents")
def documents() -> None:
    """Invoices and proformas made from orders."""


@documents.command("list")
@click.option("--connection", "connection_name", default=None, help="only this connection")
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_(connection_name: str | None, limit: int, as_json: bool) -> None:
    """List the newest documents."""
    rows = query(lambda session: newest_documents(session, connection_name, limit))
    emit_rows(rows, LIST_COLUMNS, as_json)


@documents.command("show")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(document_id: int, as_json: bool) -> None:
    """One document with its lines, stock movements and SKUs that matched no product."""
    data = query(lambda session: document_details(session, document_id))
    if data is None:
        raise click.ClickException(f"no document {document_id}")
    emit_either(data, as_json, _say_document)


def _say_document(data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in LISTED:
            click.echo(f"{key:>16}: {value}")
    click.echo("lines:")
    emit_table(data["lines"], LINE_COLUMNS)
    if data["stock_movements"]:
        click.echo("stock movements:")
        emit_table(data["stock_movements"], MOVEMENT_COLUMNS)
    for miss in data["skus_not_found"]:
        click.echo(f"SKU not found: {miss['sku']} ({miss['why']})")
    click.echo(f"write-back: {_writeback_text(data['writeback'])}")
    click.echo(f"NAV: {_nav_text(data['nav'], data['id'])}")


def _nav_text(view: dict[str, Any] | None, document_id: int) -> str:
    """The document's NAV report in one line: state, transaction and index, NAV's messages."""
    if view is None:
        return "none (not reported: a proforma, a draft, or no NAV technical user yet)"
    parts = [view["state"], f"{view['operation']}", f"submissions {view['submissions']}"]
    if view["transaction_id"]:
        parts.append(f"transaction {view['transaction_id']} index {view['index']}")
    parts += [
        f"{m['result_code']} {m['error_code']}: {m['message']}".rstrip(": ")
        for m in view["messages"]
    ]
    if view["state"] == "aborted":
        parts.append(f"fix the cause, then `shopsync nav resend {document_id}`")
    return ", ".join(parts)


def _writeback_text(view: dict[str, Any] | None) -> str:
    """The document's write-back onto its shop order in one line, with the last error."""
    if view is None:
        return "none (not written back to the shop)"
    parts = [view["state"], f"attempts {view['attempts']}"]
    if view["order_invoice_id"]:
        parts.append(f"orderInvoice {view['order_invoice_id']}")
    if view["status_set"]:
        parts.append("order status set")
    if view["next_attempt_at"]:
        parts.append(f"next attempt {view['next_attempt_at']:%Y-%m-%d %H:%M:%S} UTC")
    if view["last_error"]:
        parts.append(f"last error: {view['last_error']}")
    return ", ".join(parts)


@documents.command("finalize")
@click.argument("document_id", type=int)
def finalize_(document_id: int) -> None:
    """Number a draft and make it final (it is e-mailed then, if the shop says so)."""
    number = in_unit_of_work(lambda uow: finalize(uow, document_id), DocumentError)
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
    xml = query(lambda session: export_invoice_data(session, document_id), ExportRefused)
    if output:
        Path(output).write_bytes(xml)
        click.echo(f"document {document_id}: InvoiceData written to {output}", err=True)
    else:
        click.echo(xml.decode("utf-8"), nl=False)


@documents.command("pdf")
@click.argument("document_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="PDF file")
def pdf(document_id: int, output: str) -> None:
    """The document's PDF, the same bytes as the e-mailed one (a draft marked as a draft)."""
    rendered = query(lambda session: rendered_document(session, document_id), PageRefused)
    Path(output).write_bytes(rendered.pdf)
    page = rendered.page
    click.echo(f"document {document_id}: {page.title} {page.number} written to {output}", err=True)
