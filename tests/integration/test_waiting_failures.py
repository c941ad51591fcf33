"""The gauges of what waits for an operator, counted from the database: dead letters until
replayed, held orders until released, whichever process wrote them."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.metrics import waiting_metrics
from services.order_processor.waiting import WaitingCounts
from shopsync.adapters.db.dead_letters import mark_replayed
from shopsync.adapters.db.held_orders import mark_released
from shopsync.adapters.db.models import DeadLetterRow, HeldOrder
from shopsync.adapters.secrets import CredentialCipher
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration


def letter(consumer: str) -> DeadLetterRow:
    return DeadLetterRow(
        event_id=unique("t:0:"),
        consumer=consumer,
        source_topic="t",
        source_partition=0,
        source_offset=1,
        payload="{}",
        reason="not JSON",
    )


def hold(connection_id: int, field: str) -> HeldOrder:
    return HeldOrder(
        connection_id=connection_id,
        order_ref=unique("o"),
        event_id=unique("e"),
        status_id="1",
        field=field,
        value="x",
        reason="why",
        event="{}",
    )


async def test_dead_letters_and_held_orders_are_gauged_until_replayed_or_released(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    consumer, field = unique("consumer-"), unique("field-")
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("acct"))
        letters = [letter(consumer) for _ in range(3)]
        holds = [hold(connection.id, field) for _ in range(2)]
        session.add_all([*letters, *holds])
        await session.commit()
    registry = CollectorRegistry()
    counts = WaitingCounts(sessions, waiting_metrics(registry))

    def gauged() -> tuple[float | None, float | None]:
        return (
            registry.get_sample_value("shopsync_dead_letters_waiting", {"consumer": consumer}),
            registry.get_sample_value("shopsync_orders_held_waiting", {"field": field}),
        )

    await counts.count()
    assert gauged() == (3, 2)
    async with sessions() as session:
        await mark_replayed(session, [letters[0].id])
        await mark_released(session, [holds[0].id])
        await session.commit()
    await counts.count()
    assert gauged() == (2, 1)
    async with sessions() as session:
        await mark_replayed(session, [row.id for row in letters[1:]])
        await mark_released(session, [holds[1].id])
        await session.commit()
    await counts.count()
    assert gauged() == (0, 0)  # shown as none waiting, not left at the last figure
