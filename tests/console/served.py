"""The console and the webhook gateway served from a thread of their own, so that a blocking
browser driver can talk to them; the gateway hands each order straight to the order intake."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from devtools.sandbox.app import create_sandbox_app
from devtools.sandbox.store import SandboxWorld
from services.console.app import create_app as console_app
from services.webhook_gateway.app import create_app as gateway_app
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.decoding import decode
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.settings import Settings
from tests.support import free_port


class IntakePublisher:
    """The gateway's publisher port, handing each order event to the real order intake (the
    order processor's use case) instead of Kafka: the browser tests need no worker."""

    def __init__(self, settings: Settings) -> None:
        self._engine = create_engine(settings.resolved_database_url)
        self._intake = OrderIntake(order_units(session_factory(self._engine)))

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self._engine.dispose()

    async def publish(self, topic: str, key: bytes, value: bytes) -> None:
        await self._intake.handle(decode(value, OrderReceived))

    def is_reachable(self) -> bool:
        return True

    def queue_depth(self) -> int:
        return 0


class ServedApps:
    """Console, gateway and a Shoprenter sandbox on free ports of 127.0.0.1, in a thread with
    its own event loop."""

    def __init__(self, settings: Settings, session_key: bytes) -> None:
        self.console_port, self.gateway_port = free_port(), free_port()
        self.sandbox_port, self.sandbox = free_port(), SandboxWorld()
        self._settings, self._key = settings, session_key
        self._loop = asyncio.new_event_loop()
        self._runners: list[web.AppRunner] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.run(self._serve(console_app(self._settings, self._key), self.console_port))
        gateway = gateway_app(self._settings, publisher_factory=IntakePublisher)
        self.run(self._serve(gateway, self.gateway_port))
        self.run(self._serve(create_sandbox_app(self.sandbox), self.sandbox_port))

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run on the apps' loop and wait for the result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(60)

    async def _serve(self, app: web.Application, port: int) -> None:
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self._runners.append(runner)

    def stop(self) -> None:
        for runner in self._runners:
            self.run(runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
