"""An order whose lines do not add up to the shop's total: held with the amounts, never issued
as a guess, and issued with a line for the difference once the operator accepts it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from prometheus_client import CollectorRegistry
from sqlalchemy import select

from services.order_processor.consumer import MessageRef, OrderEventConsumer
from services.order_processor.metrics import processor_metrics
from services.webhook_gateway.events import order_event
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account, Document, DocumentLine
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.health import Readiness
from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.secrets import CredentialCipher
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.order_intake import OrderIntake
from tests.support import SAMPLE_WEBHOOK, shop_connection, unique

pytestmark = pytest.mark.integration


def short_order(order_id: str) -> dict[str, Any]:
    """The sample order with 1 000 Ft more in its totalGross than its lines explain."""
    order: dict[str, Any] = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order["innerId"] = order_id
    order["totalGross"] = str(Decimal(order["totalGross"]) + 1000)
    return order


async def held_order(url: str, order_id: str) -> tuple[str, str]:
    """A connection that received the short order: (its name, its account's name)."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await shop_connection(
            session, CredentialCipher(Fernet.generate_key()), unique("acct-")
        )
        await session.commit()
        cid, aid, name = connection.id, connection.account_id, connection.name
        account = await session.get(Account, aid)
        assert account is not None
        account_name = account.name
    event = order_event(cid, aid, short_order(order_id), "json", datetime.now(UTC))
    registry = CollectorRegistry()
    metrics = processor_metrics(registry)
    sink = DeadLetterSink(sessions, _nowhere, "dlq", metrics.dead_letters)
    consumer = OrderEventConsumer(
        OrderIntake(order_units(sessions)), metrics, sink, Readiness({}, every_s=0)
    )
    await consumer.process_batch([(MessageRef("t", 0, 0, None), encode(event))])
    await engine.dispose()
    held = registry.get_sample_value("shopsync_orders_held_total", {"field": "totalGross"})
    assert held == 1
    return name, account_name


async def _nowhere(topic: str, key: bytes, value: bytes) -> None:
    raise AssertionError("a held order is not a dead letter")


async def documents_of(url: str, order_id: str) -> list[tuple[Decimal, list[tuple[str, Decimal]]]]:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        found = (
            await session.execute(select(Document).where(Document.order_ref == order_id))
        ).scalars()
        result = []
        for document in found:
            lines = await session.execute(
                select(DocumentLine.line_kind, DocumentLine.gross)
                .where(DocumentLine.document_id == document.id)
                .order_by(DocumentLine.id)
            )
            result.append((document.total_gross, [(k, g) for k, g in lines]))
    await engine.dispose()
    return result


def test_a_short_order_is_listed_with_its_amounts_and_issued_only_when_accepted(
    database_url: str, tmp_path: Path
) -> None:
    order_id = unique("short-")
    name, account = asyncio.run(held_order(database_url, order_id))
    env = {
        "DATABASE_URL": database_url,
        "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "SHOPSYNC_VAR_DIR": str(tmp_path),
    }
    runner = CliRunner()
    listed = runner.invoke(cli, ["orders", "held", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    [mine] = [h for h in json.loads(listed.output) if h["order"] == order_id]
    assert mine["field"] == "totalGross"
    assert "the lines add up to 11206 HUF but the shop's total is 12206 HUF" in mine["reason"]

    release = ["orders", "release", name, order_id, "--account", account]
    again = runner.invoke(cli, release, env=env)
    assert "still held" in again.output and asyncio.run(documents_of(database_url, order_id)) == []

    accepted = runner.invoke(cli, [*release, "--accept-difference"], env=env)
    assert accepted.exit_code == 0, accepted.output
    assert f"{order_id}: status 1: issued" in accepted.output
    [(total, lines)] = asyncio.run(documents_of(database_url, order_id))
    assert total == Decimal(12206)
    assert lines[-1] == ("difference", Decimal(1000))
