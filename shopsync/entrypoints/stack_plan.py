"""What `shopsync up` runs and says: the services and their ports, their environment, the banner."""

from __future__ import annotations

import os
from dataclasses import replace

from shopsync.entrypoints.children import ServiceSpec
from shopsync.settings import Settings

HOST = "127.0.0.1"


#: Services that may run as several workers, and the setting that holds each one's port.
SCALABLE = {
    "order-processor": "ORDER_PROCESSOR_PORT",
    "order-mailer": "ORDER_MAILER_PORT",
    "outbox-relay": "OUTBOX_RELAY_PORT",
    "catalog-sync": "CATALOG_SYNC_PORT",
    "stock-sync": "STOCK_SYNC_PORT",
}
#: Worker n of a service listens on its port + (n - 1) * REPLICA_PORT_STEP.
REPLICA_PORT_STEP = 100


def service_specs(
    settings: Settings, demo: bool = False, workers: dict[str, int] | None = None
) -> list[ServiceSpec]:
    """Each service under its `shopsync` command, on its port (a worker more on the next
    REPLICA_PORT_STEP each); the sandbox too with --demo."""
    ports = {
        "gateway": settings.gateway_port,
        "order-processor": settings.order_processor_port,
        "order-mailer": settings.order_mailer_port,
        "outbox-relay": settings.outbox_relay_port,
        "catalog-sync": settings.catalog_sync_port,
        "stock-sync": settings.stock_sync_port,
        "nav-reporter": settings.nav_reporter_port,
        "console": settings.console_port,
    }
    counts = workers or {}
    specs = [
        spec for name, port in ports.items() for spec in _workers(name, port, counts.get(name, 1))
    ]
    if not demo:
        return specs
    return [*(_reporting_to_sandbox(s, settings) for s in specs), *_sandboxes(settings)]


def _workers(name: str, port: int, count: int) -> list[ServiceSpec]:
    """The service's first worker as ever, and its others under `name-2`… with their ports."""
    ports = {n: port + (n - 1) * REPLICA_PORT_STEP for n in range(2, count + 1)}
    others = [
        ServiceSpec(
            f"{name}-{n}",
            (name,),
            own,
            env=((SCALABLE[name], str(own)), ("SHOPSYNC_WORKER", str(n))),
        )
        for n, own in ports.items()
    ]
    return [ServiceSpec(name, (name,), port), *others]


def parse_workers(text: str) -> dict[str, int]:
    """`order-processor=2,catalog-sync=2` → counts; a clear error for anything else."""
    counts: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, number = item.partition("=")
        if name not in SCALABLE:
            raise ValueError(
                f"{name!r} cannot run as several workers (one of: {', '.join(SCALABLE)})"
            )
        if not number.isdigit() or not 1 <= int(number) <= 16:
            raise ValueError(f"{item!r}: give a count from 1 to 16, e.g. {name}=2")
        counts[name] = int(number)
    return counts


#: The demo's test services: not ShopSync's own, so not stopped with the broker's clients.
SANDBOXES = frozenset({"sandbox", "nav-sandbox"})


def _sandboxes(settings: Settings) -> list[ServiceSpec]:
    """The Shoprenter sandbox, and the NAV sandbox the demo account reports to."""
    port = settings.nav_sandbox_port
    nav = ServiceSpec("nav-sandbox", ("nav-sandbox", "--port", str(port)), port, "/_nav/stats")
    return [_sandbox(settings), nav]


def _reporting_to_sandbox(spec: ServiceSpec, settings: Settings) -> ServiceSpec:
    """With --demo the NAV reporter reports to the NAV sandbox (the demo's user is there)."""
    if spec.command != ("nav-reporter",):
        return spec
    url = f"http://{HOST}:{settings.nav_sandbox_port}/invoiceService/v3"
    return replace(spec, env=(*spec.env, ("NAV_URL", url), ("NAV_SETTLE_S", "10")))


def _sandbox(settings: Settings) -> ServiceSpec:
    """The Shoprenter sandbox with the demo shop, ready once the shop's stats answer."""
    return ServiceSpec(
        "sandbox", ("sandbox", "--demo"), settings.sandbox_port, "/_sandbox/shops/demo/stats"
    )


def child_env(settings: Settings, demo: bool = False) -> dict[str, str]:
    """Ours, with the broker, database and var directory this stack chose, output unbuffered.

    The demo's shop is the local sandbox, which reaches the local gateway: without a
    PUBLIC_BASE_URL of the operator's, its documents are written back with links there.
    """
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    env["DATABASE_URL"] = settings.resolved_database_url
    env["SHOPSYNC_VAR_DIR"] = str(settings.var_dir.resolve())
    env["PYTHONUNBUFFERED"] = "1"
    if demo and not settings.public_base_url:
        env["PUBLIC_BASE_URL"] = settings.webhook_base_url
    return env


def ready_lines(
    settings: Settings, specs: list[ServiceSpec], elapsed: float, demo: bool
) -> list[str]:
    """Where the webhooks, metrics, sandbox and database are, once everything is ready."""
    return [
        f"\nShopSync is ready in {elapsed:.1f} s",
        f"  webhooks: {settings.webhook_base_url}/webhooks/shoprenter/<connection>/<token>"
        "  (`shopsync shops show NAME` prints a shop's URL)",
        f"  console:  http://{HOST}:{settings.console_port}/  (`shopsync operators add` first)",
        *_metrics_lines(specs),
        *_sandbox_lines(settings, demo),
        f"  database: {_safe_url(settings.resolved_database_url)}",
        "Ctrl-C stops everything.\n",
    ]


def _metrics_lines(specs: list[ServiceSpec]) -> list[str]:
    return [
        f"  metrics:  http://{HOST}:{spec.port}/metrics  ({spec.name})"
        for spec in specs
        if spec.name not in SANDBOXES
    ]


def _sandbox_lines(settings: Settings, demo: bool) -> list[str]:
    if not demo:
        return []
    return [
        f"  sandbox:  http://{HOST}:{settings.sandbox_port}/demo (Shoprenter API sandbox)",
        f"  NAV:      http://{HOST}:{settings.nav_sandbox_port}/_nav/stats (NAV sandbox)",
    ]


def _safe_url(url: str) -> str:
    """The URL without its password (nor user): safe to print."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
