"""The write-back as the operator meets it on the command line: its settings through `shops
set` (a status that would act on the order again is refused), its state in `documents show`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.db.writebacks import SqlAlchemyWritebackStore
from shopsync.adapters.kafka.order_events import order_event
from shopsync.domain.document_writeback import WritebackJob
from shopsync.service_layer.order_intake import OrderIntake
from tests.integration.test_catalog_cli import Cli
from tests.support import SAMPLE_WEBHOOK

pytestmark = pytest.mark.integration
INTAKE = ("orders_cancel_status_ids=[7]", "orders_status_rules={6: invoice}")


@pytest.fixture
def shopsync(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    cli("shops", "add", "s", "--path", "s", "--api-user", "u", "--api-secret", "p")
    cli("shops", "set", "s", *INTAKE, "orders_auto_accept=true", "orders_enabled=true")
    return cli


def test_a_write_back_status_that_asks_for_a_document_or_cancels_is_refused(
    shopsync: Cli,
) -> None:
    for status in ("6", "7"):
        refused = shopsync("shops", "set", "s", f"writeback_status_id={status}", ok=False)
        assert f"writeback_status_id: status {status}" in refused.output
    shopsync("shops", "set", "s", "writeback_status_id=9")
    later = shopsync("shops", "set", "s", "orders_status_rules={9: invoice}", ok=False)
    assert "status 9 asks for a document" in later.output
    shown = shopsync.json("shops", "show", "s")
    assert (shown["writeback_enabled"], shown["writeback_status_id"]) == (True, "9")
    assert shown["orders_status_rules"] == {"6": "invoice"}


def test_documents_show_says_how_the_write_back_stands_and_why_it_failed(
    shopsync: Cli,
) -> None:
    document_id = asyncio.run(_invoice_whose_write_back_failed(shopsync.url))
    text = shopsync("documents", "show", str(document_id)).output
    assert "write-back: failed, attempts 1, next attempt " in text
    assert "last error: Shoprenter shop 's': GET orderStatuses → 503" in text
    shown = shopsync.json("documents", "show", str(document_id))
    assert shown["writeback"]["state"] == "failed" and shown["writeback"]["attempts"] == 1


async def _invoice_whose_write_back_failed(url: str) -> int:
    engine = create_engine(url)
    sessions = session_factory(engine)
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order = {**order, "innerId": "4711", "orderHistory": {**order["orderHistory"], "status": "6"}}
    outcome = await OrderIntake(order_units(sessions)).handle(
        order_event(1, 1, order, "json", datetime.now(UTC))
    )
    assert outcome.document_id is not None
    store, now = SqlAlchemyWritebackStore(sessions), datetime.now(UTC)
    await store.record(WritebackJob(outcome.document_id, 1, "4711", "invoice", "INV-1"), now)
    await store.claim(outcome.document_id, now)
    error = "Shoprenter shop 's': GET orderStatuses → 503 Service Unavailable"
    await store.failed(outcome.document_id, error, now + timedelta(seconds=30))
    await engine.dispose()
    return outcome.document_id
