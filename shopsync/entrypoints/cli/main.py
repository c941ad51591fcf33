"""The `shopsync` command: services, the local stack, shops and documents."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from typing import TYPE_CHECKING

import click

from shopsync.adapters.files import keep_private
from shopsync.entrypoints.cli.account import account
from shopsync.entrypoints.cli.catalog import catalog
from shopsync.entrypoints.cli.context import migrated, run, settings
from shopsync.entrypoints.cli.dlq import dlq
from shopsync.entrypoints.cli.documents import documents
from shopsync.entrypoints.cli.errors import ExplainingGroup
from shopsync.entrypoints.cli.nav import nav
from shopsync.entrypoints.cli.operators import operators_group
from shopsync.entrypoints.cli.orders import orders
from shopsync.entrypoints.cli.products import products
from shopsync.entrypoints.cli.rates import rates
from shopsync.entrypoints.cli.setup import price_groups, warehouses
from shopsync.entrypoints.cli.shops import shops
from shopsync.entrypoints.cli.stock import stock

if TYPE_CHECKING:
    from devtools.sandbox.store import SandboxWorld


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
    current = settings()
    run(lambda: migrated(current))
    click.echo("database is at the latest migration")


@cli.command("create-topics")
def create_topics() -> None:
    """Create ShopSync's Kafka topics with their partition counts (existing ones are kept)."""
    from shopsync.adapters.kafka.admin import ensure_topics
    from shopsync.adapters.kafka.topics import topic_specs

    current = settings()
    created = ensure_topics(current.bootstrap_servers, topic_specs(current.topic_partitions))
    click.echo(f"created {len(created)} topics" + (f": {', '.join(created)}" if created else ""))


#: The long-running services: command → (module with `run(settings)`, help).
SERVICES = {
    "gateway": (
        "services.webhook_gateway.main",
        "Run the webhook gateway (one process; several may share the port).",
    ),
    "order-processor": ("services.order_processor.main", "Run an order processor worker."),
    "order-mailer": (
        "services.order_processor.mailer",
        "Run the document mailer (PDF + SMTP, after commit, with retries).",
    ),
    "outbox-relay": (
        "services.order_processor.relay",
        "Run the outbox relay (documents issued and stock movements → Kafka, after commit).",
    ),
    "catalog-sync": ("services.catalog_sync.main", "Run a catalog sync worker."),
    "stock-sync": ("services.stock_sync.main", "Run a stock sync worker."),
    "nav-reporter": (
        "services.nav_reporter.main",
        "Run the NAV reporter (documents-issued → NAV Online Számla, exactly once).",
    ),
    "console": ("services.console.main", "Run the operator's console (web pages, login)."),
}


def _service_command(name: str, module: str, help_text: str) -> None:
    def run_service() -> None:
        current = settings()
        _logging(current.log_level)
        importlib.import_module(module).run(current)

    cli.command(name, help=help_text)(run_service)


for _name, (_module, _help) in SERVICES.items():
    _service_command(_name, _module, _help)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: SANDBOX_PORT (9300)")
@click.option("--demo", is_flag=True, help="create the demo shop with its catalog")
def sandbox(host: str, port: int | None, demo: bool) -> None:
    """Run the Shoprenter API sandbox (many shops in memory; see shopsync/sandbox/app.py)."""
    import asyncio

    from devtools.sandbox.app import run_sandbox

    current = settings()
    _logging(current.log_level)
    world = _sandbox_world(demo)
    port = port or current.sandbox_port
    click.echo(
        f"Shoprenter sandbox on http://{host}:{port} (shops: {', '.join(world.shops) or 'none'})"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sandbox(host, port, world))


def _sandbox_world(demo: bool) -> SandboxWorld:
    """The sandbox's shops: none, or the demo shop with its catalog."""
    from devtools.sandbox.store import SandboxWorld

    world = SandboxWorld()
    if demo:
        from devtools.demo import seed_demo_shop

        seed_demo_shop(world)
    return world


@cli.command("mnb-sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: MNB_SANDBOX_PORT (9310)")
def mnb_sandbox(host: str, port: int | None) -> None:
    """Run the MNB exchange-rate sandbox (recorded 2020 rates; MNB_URL=…/arfolyamok.asmx)."""
    import asyncio

    from devtools.mnb_sandbox.app import run_mnb_sandbox

    port = port or settings().mnb_sandbox_port
    click.echo(f"MNB sandbox on http://{host}:{port}/arfolyamok.asmx")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_mnb_sandbox(host, port))


@cli.command("nav-sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=9320, show_default=True)
def nav_sandbox(host: str, port: int) -> None:
    """Run the NAV Online Számla test service (invoiceService/v3; users via POST /_nav/users)."""
    import asyncio

    from devtools.nav_sandbox.app import run_nav_sandbox

    _logging(settings().log_level)
    click.echo(f"NAV sandbox on http://{host}:{port}/invoiceService/v3 (admin: /_nav/...)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_nav_sandbox(host, port))


@cli.command()
@click.option("--demo", is_flag=True, help="also start the Shoprenter sandbox with a demo shop")
@click.option(
    "--workers",
    default="",
    metavar="SERVICE=N,...",
    help="run services as several workers, e.g. order-processor=2,catalog-sync=2",
)
def up(demo: bool, workers: str) -> None:
    """Start the broker (unless KAFKA_BOOTSTRAP_SERVERS is set), migrate, run all services."""
    from shopsync.entrypoints.stack_plan import parse_workers
    from shopsync.entrypoints.supervisor import run_stack

    try:
        counts = parse_workers(workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--workers") from exc
    current = settings()
    _logging(current.log_level)
    sys.exit(run_stack(current, demo=demo, workers=counts))


for _group in (
    shops,
    account,
    rates,
    documents,
    nav,
    dlq,
    catalog,
    stock,
    orders,
    products,
    warehouses,
    price_groups,
    operators_group,
):
    cli.add_command(_group)

if __name__ == "__main__":
    cli()
