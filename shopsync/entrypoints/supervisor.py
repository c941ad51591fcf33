"""`shopsync up`: broker, topics, migrations and the four services as supervised processes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Coroutine
from typing import Any

from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.kafka.admin import ensure_topics, wait_for_broker
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from shopsync.adapters.process import die_with_parent
from shopsync.adapters.secrets import load_or_create_key
from shopsync.entrypoints.children import ServiceSpec, pump, spawn, stop_all, wait_ready
from shopsync.entrypoints.restarts import RestartPolicy, exit_reason, giving_up, restarting
from shopsync.entrypoints.stack_plan import SANDBOXES, child_env, ready_lines, service_specs
from shopsync.settings import Settings

log = logging.getLogger("shopsync.up")
#: With the broker gone a service has nothing to flush: it gets this long to stop.
BROKER_GONE_STOP_S = 5.0


def run_stack(settings: Settings, demo: bool = False, workers: dict[str, int] | None = None) -> int:
    """Run everything until Ctrl-C or SIGTERM; returns the exit code."""
    die_with_parent()  # `make run` killed → we are told, and stop our children too
    try:
        return asyncio.run(Stack(settings, demo, workers or {}).run())
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"shopsync up: {exc}", file=sys.stderr, flush=True)
        return 1


class Stack:
    """The broker and the services, each restarted when it exits, until told to stop."""

    def __init__(self, settings: Settings, demo: bool, workers: dict[str, int]) -> None:
        self.settings = settings
        self.demo = demo
        self.workers = workers
        self.stop = asyncio.Event()
        self.failed: str | None = None
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.broker: subprocess.Popen[bytes] | None = None
        self.keepers: list[asyncio.Task[None]] = []
        # Cleared while the embedded broker is restarted: the services wait for it, stopped.
        self.broker_up = asyncio.Event()
        self.broker_up.set()

    async def run(self) -> int:
        """Bring everything up, serve until told to stop (or a child fails too often), stop."""
        started = time.monotonic()
        self._prepare()
        try:
            await self._bring_up_broker()
            await upgrade(self.settings.resolved_database_url)
            ready = await self._serve(self._start_services(), started)
            return 1 if self.failed or (not ready and not self.stopped_by_user) else 0
        finally:
            await self._stop_everything()

    @property
    def stopped_by_user(self) -> bool:
        return self.stop.is_set() and self.failed is None

    def _prepare(self) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        load_or_create_key(self.settings)  # before the children start, so they all read one key
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop.set)

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        self.keepers.append(asyncio.create_task(work))

    async def _bring_up_broker(self) -> None:
        """The embedded broker (kept running) unless one is configured; then the topics."""
        if self.settings.uses_embedded_broker:
            await self._start_broker()
            self._in_background(self._keep_broker())
        await asyncio.to_thread(wait_for_broker, self.settings.bootstrap_servers, 30.0)
        await self._topics()

    def _start_services(self) -> list[ServiceSpec]:
        specs = service_specs(self.settings, self.demo, self.workers)
        env = child_env(self.settings, self.demo)
        for spec in specs:
            self._in_background(self._keep(spec, env))
        return specs

    async def _serve(self, specs: list[ServiceSpec], started: float) -> bool:
        """Once every service is ready, say where things are and wait to be stopped."""
        ready = await wait_ready(specs, self.stop)
        if ready:
            if self.demo:
                self._in_background(_run_demo(self.settings))
            for line in ready_lines(self.settings, specs, time.monotonic() - started, self.demo):
                print(line, flush=True)
            await self.stop.wait()
        return ready

    async def _stop_everything(self) -> None:
        self.stop.set()
        await stop_all(self.processes)
        for keeper in self.keepers:
            keeper.cancel()
        self._stop_broker()
        print("ShopSync stopped", flush=True)

    async def _keep(self, spec: ServiceSpec, env: dict[str, str]) -> None:
        """Run the service; when it exits, say why and start it again after a pause."""
        policy = RestartPolicy()
        while not self.stop.is_set():
            process = await spawn(spec, env)
            self.processes[spec.name] = process
            relay = asyncio.create_task(pump(spec.name, process))
            await process.wait()
            await relay
            if not self.broker_up.is_set():  # stopped by us for the broker's restart
                await self.broker_up.wait()
                continue
            if not await self._again(spec.name, exit_reason(process.returncode), policy):
                return

    async def _keep_broker(self) -> None:
        policy = RestartPolicy()
        while not self.stop.is_set():
            broker = self.broker
            code = await asyncio.to_thread(broker.wait) if broker is not None else None
            self.broker_up.clear()
            await self._stop_broker_clients()
            if not await self._again("broker", exit_reason(code), policy):
                return
            await self._restart_broker()
            self.broker_up.set()

    async def _stop_broker_clients(self) -> None:
        """Stop the services before the new broker listens: a client that found it first would
        create topics with the broker's default partition count (aiokafka asks for that), and
        an idempotent producer of the old broker's would stall. They start again on the new
        one; what they had not finished is in the database, or recovered by reconciliation."""
        clients = {n: p for n, p in self.processes.items() if n not in SANDBOXES}
        print("broker: gone; stopping the services until it is back", flush=True)
        await stop_all(clients, BROKER_GONE_STOP_S)

    async def _restart_broker(self) -> None:
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
            self._give_up(name, giving_up(name, why, policy))
            return False
        print(restarting(name, why, delay, policy), flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), delay)
        return not self.stop.is_set()

    def _give_up(self, name: str, message: str) -> None:
        print(message, flush=True)
        self.failed = name
        self.stop.set()

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


async def _run_demo(settings: Settings) -> None:
    from devtools import demo, nav_demo

    sandbox_url = f"http://127.0.0.1:{settings.sandbox_port}"
    try:
        await demo.prepare(settings, sandbox_url)
        await nav_demo.prepare(settings)
        print(
            f"demo: shop 'demo' on the sandbox ({sandbox_url}/demo) is connected; it places "
            "an order every 4 s (proforma when pending, invoice when paid). Watch "
            "`shopsync documents list`.",
            flush=True,
        )
        await demo.drive_orders(sandbox_url)
    except Exception as exc:  # the demo must never take the stack down
        print(f"demo stopped: {exc!r}", flush=True)
