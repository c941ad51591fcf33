"""Small faults that used to stop a worker or leak resources: each now shrugged off."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.connections import ConnectionDirectory
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import Readiness, database_probe, survived
from shopsync.adapters.kafka.ticks import TickPublisher, tick_counters
from tests.support import free_port

pytestmark = pytest.mark.integration


async def test_a_tick_timer_whose_database_refuses_reports_it_and_keeps_running() -> None:
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    sessions = session_factory(engine)
    readiness = Readiness({"database": database_probe(sessions)}, every_s=0)
    sent: list[bytes] = []

    async def send(topic: str, key: bytes, value: bytes) -> None:
        sent.append(value)

    publisher = TickPublisher("catalog", sessions, send, 600.0)
    tick_counters("catalog", CollectorRegistry())
    for _ in range(3):  # the timer fires again and again: none of it raises
        await survived(readiness, "tick timer", publisher.publish_due())
    problems = await readiness.problems()
    assert "tick timer" in problems and "database" in problems and sent == []
    await engine.dispose()


async def test_unknown_connection_ids_cost_a_query_once_in_a_bounded_cache(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    queries = 0

    def counted() -> AsyncSession:
        nonlocal queries
        queries += 1
        return sessions()

    directory = ConnectionDirectory(counted, ttl_s=60, max_cached=50)  # type: ignore[arg-type]
    await directory.check_for_changes()
    queries = 0
    for made_up in range(10_000_000, 10_000_200):
        assert await directory.get(made_up) is None
    assert queries == 0  # far above every id: answered without the database
    unknown = [-n for n in range(1, 121)]  # never ids, and never far above the highest
    for connection_id in unknown:
        await directory.get(connection_id)
    assert queries == 120
    await directory.get(unknown[-1])
    assert queries == 120  # remembered
    await directory.get(unknown[0])
    assert queries == 121  # the oldest of 120 fell out of a cache of 50, not all of them
