"""What the sync services share: the leader tick timer and tick decoding (catalog, stock,
order reconciliation and document write-back ticks)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.health import Readiness, survived
from shopsync.adapters.kafka.connection_runner import ConnectionRunner
from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.kafka.decoding import RecordReader
from shopsync.adapters.kafka.faust_app import raw_topic
from shopsync.adapters.kafka.records import SyncTick
from shopsync.adapters.kafka.topics import SYNC_TICKS
from shopsync.domain.document_writeback import RETRY_PASS_S
from shopsync.domain.order_reconciling import DEFAULT_INTERVAL_S as RECONCILE_INTERVAL_S
from shopsync.domain.ticks import TickSchedule

__all__ = [
    "ConnectionRunner",
    "SyncKind",
    "TickCounters",
    "TickPublisher",
    "TickWiring",
    "tick_counters",
    "wire_ticks",
]

Send = Callable[[str, bytes, bytes], Awaitable[None]]
SyncKind = Literal["catalog", "stock", "orders", "writeback"]


@dataclass
class TickPublisher:
    """Runs on the leader only: publishes a tick per enabled connection per interval."""

    kind: SyncKind
    sessions: async_sessionmaker[AsyncSession]
    send: Send
    default_interval_s: float
    _schedule: TickSchedule = field(default_factory=TickSchedule, init=False)

    async def publish_due(self) -> int:
        intervals = await self._enabled_intervals()
        due = self._schedule.due(time.time(), intervals)
        now = datetime.now(UTC)
        for connection_id in due:
            tick = self._tick(connection_id, now, intervals[connection_id])
            await self.send(SYNC_TICKS, str(connection_id).encode(), encode(tick))
        return len(due)

    def _tick(self, connection_id: int, now: datetime, interval_s: float) -> SyncTick:
        return SyncTick(
            event_id=f"{self.kind}:{connection_id}:{int(now.timestamp())}",
            connection_id=connection_id,
            kind=self.kind,
            due_at=now,
            interval_s=interval_s,
        )

    async def _enabled_intervals(self) -> dict[int, float]:
        async with self.sessions() as session:
            query = select(ShopConnection).where(ShopConnection.enabled.is_(True))
            connections = (await session.execute(query)).scalars()
            return INTERVALS[self.kind](connections, self.default_interval_s)


def _catalog_intervals(connections: Iterable[ShopConnection], default_s: float) -> dict[int, float]:
    """Each connection that downloads or uploads products, with its own interval."""
    return {
        c.id: float(c.products_interval_s or default_s)
        for c in connections
        if c.products_download_enabled or c.products_upload_enabled
    }


def _stock_intervals(connections: Iterable[ShopConnection], default_s: float) -> dict[int, float]:
    """Each connection whose stock sync is on, every one at the default interval."""
    return {c.id: default_s for c in connections if c.stock_sync_mode != "off"}


def _order_intervals(connections: Iterable[ShopConnection], _default_s: float) -> dict[int, float]:
    """Each connection whose order intake is on, every 5 minutes unless it says otherwise."""
    return {
        c.id: float(c.orders_reconcile_interval_s or RECONCILE_INTERVAL_S)
        for c in connections
        if c.orders_enabled
    }


def _writeback_intervals(
    connections: Iterable[ShopConnection], _default_s: float
) -> dict[int, float]:
    """Each connection writing documents back: a pass over its due retries every 30 s."""
    return {c.id: RETRY_PASS_S for c in connections if c.orders_enabled and c.writeback_enabled}


Intervals = Callable[[Iterable[ShopConnection], float], dict[int, float]]
INTERVALS: dict[SyncKind, Intervals] = {
    "catalog": _catalog_intervals,
    "stock": _stock_intervals,
    "orders": _order_intervals,
    "writeback": _writeback_intervals,
}


@dataclass(frozen=True)
class TickCounters:
    published: Counter
    received: Counter
    changes: Counter
    dead_letters: Counter
    skipped: Counter


def tick_counters(kind: SyncKind, registry: CollectorRegistry) -> TickCounters:
    """The counters every sync service keeps about its ticks and change events."""

    def counter(name: str, documentation: str) -> Counter:
        return Counter(f"shopsync_{kind}_{name}_total", documentation, registry=registry)

    return TickCounters(
        published=counter("ticks_published", "Sync ticks published by the leader"),
        received=counter("ticks_received", "Sync ticks received by this worker"),
        changes=counter("changes_received", "Change events received"),
        dead_letters=counter("dead_letters", "Messages sent to the dead-letter topic"),
        skipped=counter(
            "ticks_skipped", "Ticks dropped because the shop's previous run was still going"
        ),
    )


@dataclass(frozen=True)
class TickWiring:
    """What a sync service's own consumers share with its ticks."""

    counters: TickCounters
    dead_letters: DeadLetterSink
    runner: ConnectionRunner


def wire_ticks(
    app: Any,
    app_id: str,
    kind: SyncKind,
    dlq_topic: str,
    sessions: async_sessionmaker[AsyncSession],
    send: Send,
    interval_s: float,
    limit: int,
    registry: CollectorRegistry,
    work: Callable[[int], Awaitable[object]],
    readiness: Readiness,
) -> TickWiring:
    """The leader's tick timer and the tick agent every sync service has; `work` runs per tick."""
    counters = tick_counters(kind, registry)
    sink = DeadLetterSink(sessions, send, dlq_topic, counters.dead_letters)
    runner = ConnectionRunner(work, limit, counters.skipped)
    publisher = TickPublisher(kind, sessions, send, interval_s)
    _publish_ticks_on_leader(app, publisher, counters.published, readiness)
    _start_work_per_tick(app, kind, RecordReader(app_id, SyncTick, sink), counters, runner)
    return TickWiring(counters, sink, runner)


def _publish_ticks_on_leader(
    app: Any, publisher: TickPublisher, published: Counter, readiness: Readiness
) -> None:
    async def publish() -> None:
        published.inc(await publisher.publish_due())

    @app.timer(1.0, on_leader=True)  # type: ignore[untyped-decorator]
    async def publish_ticks() -> None:
        await survived(readiness, "tick timer", publish())


def _start_work_per_tick(
    app: Any,
    kind: SyncKind,
    reader: RecordReader[SyncTick],
    counters: TickCounters,
    runner: ConnectionRunner,
) -> None:
    @app.agent(raw_topic(app, SYNC_TICKS), name=f"{kind}-ticks", concurrency=1)  # type: ignore[untyped-decorator]
    async def on_tick(stream: Any) -> None:
        async for event in stream.events():
            tick = await reader.read(event)
            if tick is not None and tick.kind == kind:
                counters.received.inc()
                runner.start(tick.connection_id)
