"""Every record a service produces validates against its JSON Schema in schemas/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.webhook_gateway.events import order_event
from shopsync.contracts import SCHEMA_DIR, ContractViolation, check, encode
from shopsync.deadletters import dead_letter
from shopsync.events import CatalogChanged, DocumentIssued, StockMoved, SyncTick
from tests.support import SAMPLE_WEBHOOK

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def sample_order() -> dict:
    return json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]


def test_gateway_order_event_from_the_sample_validates_and_keeps_the_order() -> None:
    event = order_event(3, 1, sample_order(), "json", NOW)
    document = json.loads(encode(event))
    check("order-events/v1", document)
    assert document["order"] == sample_order()
    assert document["event_id"] == "3:190:1:2025-12-01 20:57:40"


@pytest.mark.parametrize(
    "event",
    [
        DocumentIssued(
            event_id="document:1",
            document_id=1,
            account_id=1,
            connection_id=2,
            order_ref="190",
            kind="invoice",
            draft=False,
            document_number="INV-000001",
            currency="HUF",
            total_gross=Decimal("11206.0000"),
            issued_at=NOW,
        ),
        StockMoved(
            event_id="movement:1",
            movement_id=1,
            account_id=1,
            warehouse_id=1,
            sku="A1",
            quantity=Decimal("-2.000"),
            reason="order",
            document_id=1,
            created_at=NOW,
        ),
        CatalogChanged(
            event_id="c:1",
            account_id=1,
            product_id=1,
            sku="A1",
            change="updated",
            origin="local",
            changed_at=NOW,
        ),
        SyncTick(
            event_id="catalog:1:1", connection_id=1, kind="catalog", due_at=NOW, interval_s=600.0
        ),
        dead_letter(
            "order-processor", "shopsync.order-events.v1", 0, 12, b"1:2", b"\xffjunk", "undecodable"
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_each_producers_records_validate_against_their_schema(event: object) -> None:
    from shopsync.events import Event

    assert isinstance(event, Event)
    check(event.schema_name, json.loads(encode(event)))


def test_money_travels_as_a_decimal_string_never_a_float() -> None:
    event = StockMoved(
        event_id="m",
        movement_id=1,
        account_id=1,
        warehouse_id=1,
        sku="A",
        quantity=Decimal("0.1"),
        reason="manual",
        document_id=None,
        created_at=NOW,
    )
    assert json.loads(encode(event))["quantity"] == "0.1"


def test_a_record_that_breaks_the_contract_is_refused_with_where() -> None:
    document = json.loads(encode(order_event(3, 1, sample_order(), "json", NOW)))
    del document["order_id"]
    with pytest.raises(ContractViolation, match="order_id"):
        check("order-events/v1", document)


def test_non_utc_times_are_refused_by_the_contract() -> None:
    budapest = timezone(timedelta(hours=1))
    event = SyncTick(
        event_id="t", connection_id=1, kind="stock", due_at=NOW.astimezone(budapest), interval_s=60
    )
    with pytest.raises(ContractViolation):
        encode(event)


def test_every_schema_file_is_a_valid_draft_2020_12_schema_with_a_version() -> None:
    from jsonschema import Draft202012Validator

    files = sorted(SCHEMA_DIR.glob("*.v*.json"))
    assert len(files) >= 6
    for path in files:
        Draft202012Validator.check_schema(json.loads(path.read_text()))
