"""What one worker process owns — database engine, HTTP session, producer, metrics registry —
built by its composition root and closed when it stops.

Added to the faust app before it starts, it is the app's first child: started before the
agents and timers that use it, stopped after them (mode stops children in reverse order).
"""

from __future__ import annotations

import asyncio

import aiohttp
from mode import Service
from prometheus_client import CollectorRegistry

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.request_pacing import shared_pacers
from shopsync.adapters.kafka.producer import LazyProducer
from shopsync.adapters.shoprenter.ratelimit import PROCESS_LIMITERS
from shopsync.settings import Settings

#: Longest a call to a shop may take, connect to last byte.
HTTP_TIMEOUT_S = 60.0
#: A worker's sends (ticks, reconciled orders) give up after this: after a restarted broker
#: lost the idempotent producer's state only a new producer works, and the old one is known
#: stuck only once a send timed out. At 30 s, reconciliation paused ~45 s after a restart.
WORKER_SEND_TIMEOUT_MS = 10_000


class WorkerResources(Service):
    def __init__(self, settings: Settings, registry: CollectorRegistry | None = None) -> None:
        super().__init__()
        self.engine = create_engine(settings.resolved_database_url)
        self.sessions = session_factory(self.engine)
        # Every process that calls a shop takes its slots from the database: one budget.
        PROCESS_LIMITERS.share_through(shared_pacers(self.engine))
        self.producer = LazyProducer(settings.bootstrap_servers, WORKER_SEND_TIMEOUT_MS)
        self.registry = registry or CollectorRegistry()
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        """The process's HTTP session (open from start-up until the worker stops)."""
        if self._http is None:
            raise RuntimeError("the HTTP session opens when the worker starts")
        return self._http

    async def on_start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_S))

    async def on_stop(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        await asyncio.to_thread(self.producer.close)  # delivers what is queued, up to 5 s
        PROCESS_LIMITERS.share_through(None)
        await self.engine.dispose()
