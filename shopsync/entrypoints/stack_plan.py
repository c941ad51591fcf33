"""What `shopsync up` runs and says: the services and their ports, their environment, the banner."""

from __future__ import annotations

import os

from shopsync.entrypoints.children import ServiceSpec
from shopsync.settings import Settings

HOST = "127.0.0.1"


def service_specs(settings: Settings, demo: bool = False) -> list[ServiceSpec]:
    """Each service under its `shopsync` command, on its port; the sandbox too with --demo."""
    ports = {
        "gateway": settings.gateway_port,
        "order-processor": settings.order_processor_port,
        "order-mailer": settings.order_mailer_port,
        "outbox-relay": settings.outbox_relay_port,
        "catalog-sync": settings.catalog_sync_port,
        "stock-sync": settings.stock_sync_port,
    }
    specs = [ServiceSpec(name, (name,), port) for name, port in ports.items()]
    return [*specs, _sandbox(settings)] if demo else specs


def _sandbox(settings: Settings) -> ServiceSpec:
    """The Shoprenter sandbox with the demo shop, ready once the shop's stats answer."""
    return ServiceSpec(
        "sandbox", ("sandbox", "--demo"), settings.sandbox_port, "/_sandbox/shops/demo/stats"
    )


def child_env(settings: Settings) -> dict[str, str]:
    """Ours, with the broker, database and var directory this stack chose, output unbuffered."""
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    env["DATABASE_URL"] = settings.resolved_database_url
    env["SHOPSYNC_VAR_DIR"] = str(settings.var_dir.resolve())
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ready_lines(
    settings: Settings, specs: list[ServiceSpec], elapsed: float, demo: bool
) -> list[str]:
    """Where the webhooks, metrics, sandbox and database are, once everything is ready."""
    return [
        f"\nShopSync is ready in {elapsed:.1f} s",
        f"  webhooks: {settings.webhook_base_url}/webhooks/shoprenter/<connection>/<token>"
        "  (`shopsync shops show NAME` prints a shop's URL)",
        *_metrics_lines(specs),
        *_sandbox_lines(settings, demo),
        f"  database: {_safe_url(settings.resolved_database_url)}",
        "Ctrl-C stops everything.\n",
    ]


def _metrics_lines(specs: list[ServiceSpec]) -> list[str]:
    return [
        f"  metrics:  http://{HOST}:{spec.port}/metrics  ({spec.name})"
        for spec in specs
        if spec.name != "sandbox"
    ]


def _sandbox_lines(settings: Settings, demo: bool) -> list[str]:
    if not demo:
        return []
    return [f"  sandbox:  http://{HOST}:{settings.sandbox_port}/demo (Shoprenter API sandbox)"]


def _safe_url(url: str) -> str:
    """The URL without its password (nor user): safe to print."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
