"""`shopsync up`: broker, topics, migrations and the four services as supervised processes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time

from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.kafka.admin import ensure_topics, wait_for_broker
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from shopsync.adapters.process import die_with_parent
from shopsync.adapters.secrets import load_or_create_key
from shopsync.entrypoints.children import ServiceSpec, pump, spawn, stop_all, wait_ready
from shopsync.entrypoints.restarts import RestartPolicy, exit_reason
from shopsync.settings import Settings

log = logging.getLogger("shopsync.up")


def service_specs(settings: Settings, demo: bool = False) -> list[ServiceSpec]:
    specs = [
        ServiceSpec("gateway", ("gateway",), settings.gateway_port),
        ServiceSpec("order-processor", ("order-processor",), settings.order_processor_port),
        ServiceSpec("order-mailer", ("order-mailer",), settings.order_mailer_port),
        ServiceSpec("outbox-relay", ("outbox-relay",), settings.outbox_relay_port),
        ServiceSpec("catalog-sync", ("catalog-sync",), settings.catalog_sync_port),
        ServiceSpec("stock-sync", ("stock-sync",), settings.stock_sync_port),
    ]
    if demo:
        specs.append(
            ServiceSpec(
                "sandbox",
                ("sandbox", "--demo"),
                settings.sandbox_port,
                "/_sandbox/shops/demo/stats",
            )
        )
    return specs


def run_stack(settings: Settings, demo: bool = False) -> int:
    """Run everything until Ctrl-C or SIGTERM; returns the exit code."""
    die_with_parent()  # `make run` killed → we are told, and stop our children too
    try:
        return asyncio.run(Stack(settings, demo).run())
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"shopsync up: {exc}", file=sys.stderr, flush=True)
        return 1


class Stack:
    """The broker and the services, each restarted when it exits, until told to stop."""

    def __init__(self, settings: Settings, demo: bool) -> None:
        self.settings = settings
        self.demo = demo
        self.stop = asyncio.Event()
        self.failed: str | None = None
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.broker: subprocess.Popen[bytes] | None = None

    async def run(self) -> int:
        started = time.monotonic()
        settings = self.settings
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        load_or_create_key(settings)  # before the children start, so they all read one key
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop.set)
        keepers: list[asyncio.Task[None]] = []
        try:
            if settings.uses_embedded_broker:
                await self._start_broker()
                keepers.append(asyncio.create_task(self._keep_broker()))
            await asyncio.to_thread(wait_for_broker, settings.bootstrap_servers, 30.0)
            await self._topics()
            await upgrade(settings.resolved_database_url)
            specs = service_specs(settings, self.demo)
            env = _child_env(settings)
            keepers += [asyncio.create_task(self._keep(spec, env)) for spec in specs]
            ready = await wait_ready(specs, self.stop)
            if ready:
                if self.demo:
                    keepers.append(asyncio.create_task(_run_demo(settings)))
                _announce(settings, specs, time.monotonic() - started, self.demo)
                await self.stop.wait()
            return 1 if self.failed or (not ready and not self.stopped_by_user) else 0
        finally:
            self.stop.set()
            await stop_all(self.processes)
            for keeper in keepers:
                keeper.cancel()
            self._stop_broker()
            print("ShopSync stopped", flush=True)

    @property
    def stopped_by_user(self) -> bool:
        return self.stop.is_set() and self.failed is None

    async def _keep(self, spec: ServiceSpec, env: dict[str, str]) -> None:
        """Run the service; when it exits, say why and start it again after a pause."""
        policy = RestartPolicy()
        while not self.stop.is_set():
            process = await spawn(spec, env)
            self.processes[spec.name] = process
            relay = asyncio.create_task(pump(spec.name, process))
            await process.wait()
            await relay
            if not await self._again(spec.name, exit_reason(process.returncode), policy):
                return

    async def _keep_broker(self) -> None:
        policy = RestartPolicy()
        while not self.stop.is_set():
            broker = self.broker
            code = await asyncio.to_thread(broker.wait) if broker is not None else None
            if not await self._again("broker", exit_reason(code), policy):
                return
            try:
                await self._start_broker()
                await self._topics()
                print("broker: restarted empty; events it held are gone", flush=True)
            except (RuntimeError, TimeoutError, OSError) as exc:
                print(f"broker: could not start again: {exc}", flush=True)
                self.broker = None

    async def _again(self, name: str, why: str, policy: RestartPolicy) -> bool:
        """After an exit: pause and return True to restart, or stop the stack for good."""
        if self.stop.is_set():
            return False
        delay = policy.after_exit(time.monotonic())
        if delay is None:
            print(
                f"{name} {why}; it failed {policy.recent} times in {policy.window_s:.0f} s: "
                "stopping the stack",
                flush=True,
            )
            self.failed = name
            self.stop.set()
            return False
        print(
            f"{name} {why}; restarting in {delay:.1f} s "
            f"(exit {policy.recent} in the last {policy.window_s:.0f} s)",
            flush=True,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), delay)
        return not self.stop.is_set()

    async def _start_broker(self) -> None:
        settings = self.settings
        self.broker = await asyncio.to_thread(
            start_broker, settings.embedded_kafka_port, settings.var_dir / "broker.log"
        )
        print(
            f"embedded Kafka broker (Tansu, in memory) on {settings.bootstrap_servers}", flush=True
        )

    async def _topics(self) -> None:
        specs = topic_specs(self.settings.topic_partitions)
        await asyncio.to_thread(ensure_topics, self.settings.bootstrap_servers, specs)

    def _stop_broker(self) -> None:
        if self.broker is None or self.broker.poll() is not None:
            return
        self.broker.terminate()
        try:
            self.broker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.broker.kill()


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    env["DATABASE_URL"] = settings.resolved_database_url
    env["SHOPSYNC_VAR_DIR"] = str(settings.var_dir.resolve())
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def _run_demo(settings: Settings) -> None:
    from devtools import demo

    sandbox_url = f"http://127.0.0.1:{settings.sandbox_port}"
    try:
        await demo.prepare(settings, sandbox_url)
        print(
            f"demo: shop 'demo' on the sandbox ({sandbox_url}/demo) is connected; it places "
            "an order every 4 s (proforma when pending, invoice when paid). Watch "
            "`shopsync documents list`.",
            flush=True,
        )
        await demo.drive_orders(sandbox_url)
    except Exception as exc:  # the demo must never take the stack down
        print(f"demo stopped: {exc!r}", flush=True)


def _announce(settings: Settings, specs: list[ServiceSpec], elapsed: float, demo: bool) -> None:
    host = "127.0.0.1"
    print(f"\nShopSync is ready in {elapsed:.1f} s", flush=True)
    print(
        f"  webhooks: {settings.webhook_base_url}/webhooks/shoprenter/<connection>/<token>"
        "  (`shopsync shops show NAME` prints a shop's URL)",
        flush=True,
    )
    for spec in specs:
        if spec.name != "sandbox":
            print(f"  metrics:  http://{host}:{spec.port}/metrics  ({spec.name})", flush=True)
    if demo:
        print(
            f"  sandbox:  http://{host}:{settings.sandbox_port}/demo (Shoprenter API sandbox)",
            flush=True,
        )
    print(f"  database: {_safe_url(settings.resolved_database_url)}", flush=True)
    print("Ctrl-C stops everything.\n", flush=True)


def _safe_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
