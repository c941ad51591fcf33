"""What every faust worker's composition root starts from, and what the two sync services
(catalog and stock) wire the same way: their ticks and their one topic of change events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import faust
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.health import Readiness, service_readiness
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.records import Event
from shopsync.adapters.kafka.ticks import SyncKind, TickWiring, wire_ticks
from shopsync.adapters.resources import WorkerResources
from shopsync.settings import Settings

E = TypeVar("E", bound=Event)
TickWork = Callable[[int], Awaitable[object]]  # one connection's turn


@dataclass(frozen=True)
class WorkerApp:
    """A worker's faust app, the resources it owns, and its readiness checks."""

    app_id: str
    app: faust.App
    resources: WorkerResources
    readiness: Readiness

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.resources.sessions

    @property
    def registry(self) -> CollectorRegistry:
        return self.resources.registry

    def with_service_pages(self) -> faust.App:
        """The finished app, with /metrics, /healthz and /readyz."""
        add_service_pages(self.app, self.registry, self.readiness)
        return self.app


def worker_app(
    app_id: str, settings: Settings, web_port: int, registry: CollectorRegistry | None
) -> WorkerApp:
    """A faust app whose first child is its resources; readiness watches database and broker."""
    app = create_faust_app(app_id, settings, web_port)
    resources = WorkerResources(settings, registry)
    app.add_dependency(resources)  # first child: started before the agents, stopped after
    readiness = service_readiness(resources.sessions, settings.bootstrap_servers)
    return WorkerApp(app_id, app, resources, readiness)


@dataclass(frozen=True)
class SyncService:
    """What names a sync service: its faust app id, its kind of tick, its dead-letter topic."""

    app_id: str
    kind: SyncKind
    dlq_topic: str


def wire_sync_ticks(
    worker: WorkerApp, service: SyncService, settings: Settings, work: TickWork
) -> TickWiring:
    """The leader's tick timer and the tick agent, running `work` per connection per tick."""
    return wire_ticks(
        worker.app,
        worker.app_id,
        service.kind,
        service.dlq_topic,
        worker.sessions,
        worker.resources.producer.send,
        settings.sync_tick_interval_s,
        settings.sync_concurrency,
        worker.registry,
        work,
        worker.readiness,
    )


@dataclass(frozen=True)
class ChangeFeed(Generic[E]):
    """A sync service's topic of change events, the agent reading it and the record on it."""

    topic: str
    agent: str
    record: type[E]


def consume_changes(
    worker: WorkerApp,
    ticks: TickWiring,
    feed: ChangeFeed[E],
    handle: Callable[[E], Awaitable[None]],
) -> None:
    """An agent (concurrency=1) handing every readable change to `handle`; others dead-letter."""
    changes = RecordReader(worker.app_id, feed.record, ticks.dead_letters)

    @worker.app.agent(raw_topic(worker.app, feed.topic), name=feed.agent, concurrency=1)
    async def on_change(stream: Any) -> None:
        async for event in stream.events():
            ticks.counters.changes.inc()
            change = await changes.read(event)
            if change is not None:
                await handle(change)
