"""Every record a service produces validates against its JSON Schema in schemas/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.webhook_gateway.events import order_event
from shopsync.adapters.kafka.contracts import SCHEMA_DIR, ContractViolation, check, encode
from shopsync.adapters.kafka.deadletters import dead_letter
from shopsync.adapters.kafka.records import (
    CatalogChanged,
    DocumentIssued,
    OrderReceived,
    StockMoved,
    SyncTick,
)
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
    from shopsync.adapters.kafka.records import Event

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


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)
_times = st.datetimes(
    min_value=datetime(1970, 1, 2), timezones=st.sampled_from([UTC, timezone(timedelta(hours=1))])
)
_money = st.decimals(allow_nan=False, allow_infinity=False, places=4)


@given(
    moment=_times,
    amount=_money,
    order=st.dictionaries(st.text(max_size=8), _json_values, max_size=5),
    text=st.text(min_size=1, max_size=20),
)
def test_the_fast_json_form_of_every_record_equals_pydantics(
    moment: datetime, amount: Decimal, order: dict, text: str
) -> None:
    # Records are encoded on the gateway's hot path without pydantic's serializer: what goes
    # on the wire must still be exactly what model_dump(mode="json") would have produced.
    events = [
        OrderReceived(
            event_id=text,
            connection_id=1,
            account_id=2,
            order_id=text,
            status_id="1",
            status_text=text,
            webhook_format="xml",
            received_at=moment,
            order=order,
        ),
        DocumentIssued(
            event_id=text,
            document_id=1,
            account_id=1,
            connection_id=2,
            order_ref=text,
            kind="storno",
            draft=True,
            document_number=None,
            currency="EUR",
            total_gross=amount,
            issued_at=moment,
        ),
        StockMoved(
            event_id=text,
            movement_id=1,
            account_id=1,
            warehouse_id=1,
            sku=text,
            quantity=amount,
            reason="download",
            document_id=None,
            created_at=moment,
        ),
        SyncTick(event_id=text, connection_id=1, kind="stock", due_at=moment, interval_s=0.5),
    ]
    for event in events:
        assert event.to_json_dict() == {
            "schema": event.schema_name,
            **event.model_dump(mode="json"),
        }
