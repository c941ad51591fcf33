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
from dataclasses import dataclass

import aiohttp

from shopsync.db.migrate import upgrade
from shopsync.kafka.admin import ensure_topics, wait_for_broker
from shopsync.kafka.embedded import start_broker
from shopsync.kafka.topics import topic_specs
from shopsync.process import child_preexec, die_with_parent
from shopsync.secrets import load_or_create_key
from shopsync.settings import Settings

log = logging.getLogger("shopsync.up")
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: tuple[str, ...]
    port: int
    ready_path: str = "/readyz"


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
        return asyncio.run(_run(settings, demo))
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"shopsync up: {exc}", file=sys.stderr, flush=True)
        return 1


async def _run(settings: Settings, demo: bool) -> int:
    started = time.monotonic()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    load_or_create_key(settings)  # before the children start, so they all read one key
    broker = None
    if settings.uses_embedded_broker:
        broker = start_broker(settings.embedded_kafka_port, settings.var_dir / "broker.log")
        print(
            f"embedded Kafka broker (Tansu, in memory) on {settings.bootstrap_servers}", flush=True
        )
    children: dict[str, asyncio.subprocess.Process] = {}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.to_thread(wait_for_broker, settings.bootstrap_servers, 30.0)
        await asyncio.to_thread(
            ensure_topics, settings.bootstrap_servers, topic_specs(settings.topic_partitions)
        )
        await upgrade(settings.resolved_database_url)
        env = _child_env(settings)
        pumps = []
        specs = service_specs(settings, demo)
        for spec in specs:
            children[spec.name] = await _spawn(spec, env)
            pumps.append(asyncio.create_task(_pump(spec.name, children[spec.name])))
        ready = await _wait_ready(specs, children, stop)
        if ready and demo:
            pumps.append(asyncio.create_task(_run_demo(settings)))
        if ready:
            _announce(settings, specs, time.monotonic() - started, demo)
            died = asyncio.create_task(_first_exit(children))
            stopped = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({died, stopped}, return_when=asyncio.FIRST_COMPLETED)
            for task in (died, stopped):
                task.cancel()
            if died in done:
                print("a service exited: stopping the stack", flush=True)
                return 1
        return 0 if ready or stop.is_set() else 1
    finally:
        await _stop_children(children)
        if broker is not None:
            broker.terminate()
            try:
                broker.wait(timeout=5)
            except subprocess.TimeoutExpired:
                broker.kill()
        print("ShopSync stopped", flush=True)


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    env["DATABASE_URL"] = settings.resolved_database_url
    env["SHOPSYNC_VAR_DIR"] = str(settings.var_dir.resolve())
    env["PYTHONUNBUFFERED"] = "1"
    return env


async def _spawn(spec: ServiceSpec, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shopsync.cli.main",
        *spec.command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        preexec_fn=child_preexec,
    )


async def _pump(name: str, process: asyncio.subprocess.Process) -> None:
    assert process.stdout is not None
    async for raw in process.stdout:
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            print(f"{name:>15} | {line}", flush=True)


async def _wait_ready(
    specs: list[ServiceSpec], children: dict[str, asyncio.subprocess.Process], stop: asyncio.Event
) -> bool:
    pending = {s.name: s for s in specs}
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while pending and time.monotonic() < deadline and not stop.is_set():
            for name, spec in list(pending.items()):
                if children[name].returncode is not None:
                    print(f"{name} exited with {children[name].returncode}", flush=True)
                    return False
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(
                        f"http://127.0.0.1:{spec.port}{spec.ready_path}"
                    ) as response:
                        if response.status == 200:
                            print(f"{name} is ready", flush=True)
                            del pending[name]
            await asyncio.sleep(0.25)
    if pending and not stop.is_set():
        print(f"not ready in {READY_TIMEOUT_S:.0f} s: {', '.join(pending)}", flush=True)
    return not pending


async def _run_demo(settings: Settings) -> None:
    from shopsync import demo

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


async def _first_exit(children: dict[str, asyncio.subprocess.Process]) -> None:
    await asyncio.wait(
        [asyncio.create_task(p.wait()) for p in children.values()],
        return_when=asyncio.FIRST_COMPLETED,
    )


async def _stop_children(children: dict[str, asyncio.subprocess.Process]) -> None:
    for process in children.values():
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    for name, process in children.items():
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            print(f"{name} did not stop in {STOP_TIMEOUT_S:.0f} s: killing it", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
