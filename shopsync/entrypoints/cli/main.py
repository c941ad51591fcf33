"""The `shopsync` command: services, the local stack, shops and documents."""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import click

from shopsync.adapters.files import keep_private
from shopsync.entrypoints.cli.account import account, rates
from shopsync.entrypoints.cli.catalog import catalog
from shopsync.entrypoints.cli.context import run, settings
from shopsync.entrypoints.cli.dlq import dlq
from shopsync.entrypoints.cli.documents import documents
from shopsync.entrypoints.cli.errors import ExplainingGroup
from shopsync.entrypoints.cli.orders import orders
from shopsync.entrypoints.cli.products import products
from shopsync.entrypoints.cli.setup import price_groups, warehouses
from shopsync.entrypoints.cli.shops import shops
from shopsync.entrypoints.cli.stock import stock


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@click.group(cls=ExplainingGroup)
def cli() -> None:
    """ShopSync: Shoprenter webshops ⇄ invoicing and stock, over Kafka."""
    # Buyers' names and addresses live under var/: what ShopSync writes is the user's alone.
    os.umask(0o077)
    keep_private(settings().var_dir)


@cli.command()
def migrate() -> None:
    """Bring the database to the latest schema."""
    from shopsync.adapters.db.migrate import upgrade

    current = settings()
    if current.resolved_database_url.startswith("sqlite"):
        current.var_dir.mkdir(parents=True, exist_ok=True)
    run(lambda: upgrade(current.resolved_database_url))
    click.echo("database is at the latest migration")


@cli.command("create-topics")
def create_topics() -> None:
    """Create ShopSync's Kafka topics with their partition counts (existing ones are kept)."""
    from shopsync.adapters.kafka.admin import ensure_topics
    from shopsync.adapters.kafka.topics import topic_specs

    current = settings()
    created = ensure_topics(current.bootstrap_servers, topic_specs(current.topic_partitions))
    click.echo(f"created {len(created)} topics" + (f": {', '.join(created)}" if created else ""))


@cli.command()
def gateway() -> None:
    """Run the webhook gateway (one process; several may share the port)."""
    from services.webhook_gateway.main import run as run_gateway

    current = settings()
    _logging(current.log_level)
    run_gateway(current)


@cli.command("order-processor")
def order_processor() -> None:
    """Run an order processor worker."""
    from services.order_processor.main import run as run_processor

    current = settings()
    _logging(current.log_level)
    run_processor(current)


@cli.command("order-mailer")
def order_mailer() -> None:
    """Run the document mailer (PDF + SMTP, after commit, with retries)."""
    from services.order_processor.mailer import run as run_mailer

    current = settings()
    _logging(current.log_level)
    run_mailer(current)


@cli.command("outbox-relay")
def outbox_relay() -> None:
    """Run the outbox relay (documents issued and stock movements → Kafka, after commit)."""
    from services.order_processor.relay import run as run_relay

    current = settings()
    _logging(current.log_level)
    run_relay(current)


@cli.command("catalog-sync")
def catalog_sync() -> None:
    """Run a catalog sync worker."""
    from services.catalog_sync.main import run as run_catalog

    current = settings()
    _logging(current.log_level)
    run_catalog(current)


@cli.command("stock-sync")
def stock_sync() -> None:
    """Run a stock sync worker."""
    from services.stock_sync.main import run as run_stock

    current = settings()
    _logging(current.log_level)
    run_stock(current)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: SANDBOX_PORT (9300)")
@click.option("--demo", is_flag=True, help="create the demo shop with its catalog")
def sandbox(host: str, port: int | None, demo: bool) -> None:
    """Run the Shoprenter API sandbox (many shops in memory; see shopsync/sandbox/app.py)."""
    import asyncio

    from devtools.sandbox.app import run_sandbox
    from devtools.sandbox.store import SandboxWorld

    current = settings()
    _logging(current.log_level)
    world = SandboxWorld()
    if demo:
        from devtools.demo import seed_demo_shop

        seed_demo_shop(world)
    port = port or current.sandbox_port
    click.echo(
        f"Shoprenter sandbox on http://{host}:{port} (shops: {', '.join(world.shops) or 'none'})"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sandbox(host, port, world))


@cli.command()
@click.option("--demo", is_flag=True, help="also start the Shoprenter sandbox with a demo shop")
def up(demo: bool) -> None:
    """Start the broker (unless KAFKA_BOOTSTRAP_SERVERS is set), migrate, run all services."""
    from shopsync.entrypoints.supervisor import run_stack

    current = settings()
    _logging(current.log_level)
    sys.exit(run_stack(current, demo=demo))


cli.add_command(shops)
cli.add_command(account)
cli.add_command(rates)
cli.add_command(documents)
cli.add_command(dlq)
cli.add_command(catalog)
cli.add_command(stock)

if __name__ == "__main__":
    cli()
cli.add_command(orders)
cli.add_command(products)
cli.add_command(warehouses)
cli.add_command(price_groups)
