"""A database outage is waited out: nothing is dead-lettered, readiness says why, all lands."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from services.order_processor.consumer import MessageRef, OrderEventConsumer
from services.order_processor.metrics import processor_metrics
from services.webhook_gateway.events import order_event
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import DeadLetterRow, Document
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.health import Readiness, database_probe
from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.order_intake import OrderIntake
from tests.support import SAMPLE_WEBHOOK, create_pg_database, drop_pg_database, shop_connection

pytestmark = pytest.mark.integration


class Sent:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, bytes]] = []

    async def __call__(self, topic: str, key: bytes, value: bytes) -> None:
        self.records.append((topic, key, value))


async def test_orders_wait_while_the_database_is_refused_then_all_become_documents() -> None:
    name, url = await create_pg_database()
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await shop_connection(
            session, CredentialCipher(Fernet.generate_key()), "outage"
        )
        await session.commit()
        cid, aid = connection.id, connection.account_id
    base = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    messages = [
        (
            MessageRef("orders", 0, n, f"{cid}:{n}".encode()),
            encode(order_event(cid, aid, {**base, "innerId": str(n)}, "json", datetime.now(UTC))),
        )
        for n in range(100)
    ]
    admin = await _admin()
    await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    await admin.execute(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    )
    await engine.dispose()
    registry = CollectorRegistry()
    metrics = processor_metrics(registry)
    readiness = Readiness({"database": database_probe(sessions)}, every_s=0)
    sink = DeadLetterSink(sessions, Sent(), "dlq", metrics.dead_letters, retry_max_s=0.5)
    consumer = OrderEventConsumer(
        OrderIntake(order_units(sessions)),
        metrics,
        sink,
        readiness,
        retry_base_s=0.1,
        retry_max_s=0.5,
    )
    work = asyncio.create_task(consumer.process_batch(messages))
    try:
        await asyncio.sleep(2.0)
        assert not work.done()  # waiting, not giving up
        assert "database" in await readiness.problems()
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        await asyncio.wait_for(work, 30)
        assert await readiness.problems() == {}
        async with sessions() as session:
            documents = await session.scalar(select(func.count()).select_from(Document))
            letters = await session.scalar(select(func.count()).select_from(DeadLetterRow))
        assert (documents, letters) == (100, 0)
        assert (registry.get_sample_value("shopsync_order_outage_retries_total") or 0) >= 2
    finally:
        work.cancel()
        await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        await admin.close()
        await engine.dispose()
        await drop_pg_database(name)


async def _admin() -> Any:
    import asyncpg

    from tests.support import PG_ADMIN_DSN

    return await asyncpg.connect(PG_ADMIN_DSN)
