"""What the sync timers and the outbox relay send: valid records, to the right topics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.events import order_event
from shopsync.adapters.db.models import OutboxMessage
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.contracts import check
from shopsync.adapters.kafka.ticks import TickPublisher
from shopsync.adapters.kafka.topics import DOCUMENTS_ISSUED, SYNC_TICKS
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.outbox import OutboxRelay
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.support import INTAKE_ON, SAMPLE_WEBHOOK, unique

pytestmark = pytest.mark.integration


class RecordingSend:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, dict[str, Any]]] = []

    async def __call__(self, topic: str, key: bytes, value: bytes) -> None:
        self.sent.append((topic, key, json.loads(value)))

    async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        for topic, key, value in messages:
            await self(topic, key, value)


async def test_tick_publisher_sends_valid_ticks_only_for_connections_with_the_feature_on(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    async with sessions() as session:
        on = await add_connection(
            session,
            cipher,
            account=unique("a-"),
            name="on",
            path="on",
            auth_kind="basic",
            api_user="u",
            api_secret="s",
        )
        off = await add_connection(
            session,
            cipher,
            account=unique("a-"),
            name="off",
            path="off",
            auth_kind="basic",
            api_user="u",
            api_secret="s",
        )
        apply_settings(on, {"stock_enabled": True, "stock_mode": "upload"})
        await session.commit()
        on_id, off_id = on.id, off.id
    send = RecordingSend()
    publisher = TickPublisher("stock", sessions, send, default_interval_s=0.001)
    for _ in range(3):  # the first call schedules each connection inside its interval
        await publisher.publish_due()
        await asyncio.sleep(0.01)
    ticked = {json.loads(key) for topic, key, _ in send.sent if topic == SYNC_TICKS}
    assert on_id in ticked and off_id not in ticked
    for _, _, value in send.sent:
        check("sync-ticks/v1", value)


async def test_outbox_relay_sends_what_the_handler_committed_once_and_marks_it_sent(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    async with sessions() as session:
        connection = await add_connection(
            session,
            cipher,
            account=unique("a-"),
            name="s",
            path="s",
            auth_kind="basic",
            api_user="u",
            api_secret="s",
        )
        apply_settings(connection, INTAKE_ON)
        await session.commit()
        cid, aid = connection.id, connection.account_id
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    await OrderIntake(order_units(sessions)).handle(
        order_event(cid, aid, order, "json", datetime.now(UTC))
    )
    send = RecordingSend()
    relay = OutboxRelay(sessions, send.send_many)
    while await relay.relay_once():
        pass
    mine = [(t, v) for t, k, v in send.sent if k == f"{cid}:190".encode()]
    assert [t for t, _ in mine] == [DOCUMENTS_ISSUED]
    check("documents-issued/v1", mine[0][1])
    assert await relay.relay_once() == 0
    async with sessions() as session:
        unsent = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))))
            .scalars()
            .all()
        )
        assert unsent == []
