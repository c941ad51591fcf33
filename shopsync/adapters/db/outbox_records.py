"""The records written to the outbox, each built in one place from the rows just written."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast

import orjson

from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.kafka.records import (
    CatalogChanged,
    DocumentIssued,
    DocumentVoided,
    StockMoved,
)
from shopsync.adapters.kafka.topics import (
    CATALOG_CHANGES,
    DOCUMENTS_ISSUED,
    DOCUMENTS_VOIDED,
    STOCK_MOVEMENTS,
)

StockReason = Literal["order", "storno", "void", "manual", "download", "reconciliation"]


class Outgoing(NamedTuple):
    """A record for the outbox: its topic, key and JSON, relayed as they are after commit."""

    topic: str
    key: str
    payload: bytes


def outbox_row(out: Outgoing) -> dict[str, Any]:
    """An outbox table row (see service_layer.outbox): relayed to its topic after commit."""
    return {
        "topic": out.topic,
        "key": out.key,
        "payload": out.payload.decode(),
        "created_at": datetime.now(UTC),
        "sent_at": None,
    }


def document_issued(document_id: int, row: dict[str, Any]) -> Outgoing:
    """DocumentIssued of a document row: once as a draft (if it is one), once final."""
    draft = row["draft"]
    record = {
        "schema": DocumentIssued.schema_name,
        "event_id": f"document:{document_id}:{'draft' if draft else 'final'}",
        **_document(document_id, row),
        "draft": draft,
        "currency": row["currency"],
        "total_gross": row["total_gross"],
        "issued_at": row["issued_at"] or row["created_at"],
    }
    return Outgoing(DOCUMENTS_ISSUED, _order_key(row), _json(record))


def document_voided(document_id: int, row: dict[str, Any], at: datetime) -> Outgoing:
    """DocumentVoided of a withdrawn draft or proforma."""
    record = {
        "schema": DocumentVoided.schema_name,
        "event_id": f"document:{document_id}:voided",
        **_document(document_id, row),
        "voided_at": at,
    }
    return Outgoing(DOCUMENTS_VOIDED, _order_key(row), _json(record))


def _document(document_id: int, row: dict[str, Any]) -> dict[str, Any]:
    """What every document record says of the document: which it is and whose."""
    names = ("account_id", "connection_id", "order_ref", "kind", "document_number")
    return {"document_id": document_id, **{name: row[name] for name in names}}


def _order_key(row: dict[str, Any]) -> str:
    """The key of a document's records: one order's records stay on one partition, in order."""
    return f"{row['connection_id']}:{row['order_ref']}"


def stock_moved(movement_id: int, row: dict[str, Any], sku: str) -> Outgoing:
    """StockMoved of a stock_movements row; keyed by account and SKU for stock sync."""
    record = {
        "schema": StockMoved.schema_name,
        "event_id": f"movement:{movement_id}",
        "movement_id": movement_id,
        "account_id": row["account_id"],
        "warehouse_id": row["warehouse_id"],
        "sku": sku or "?",
        "quantity": row["quantity"],
        "reason": cast(StockReason, row["reason"]),
        "document_id": row["document_id"],
        "created_at": row["created_at"],
    }
    return Outgoing(STOCK_MOVEMENTS, f"{row['account_id']}:{sku}", _json(record))


def _json(record: dict[str, Any]) -> bytes:
    """The JSON of a record built here from rows just written: no model, no re-validation on
    the hot path (tests run every builder's output through its topic's schema)."""
    return orjson.dumps(record, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def catalog_changed(
    account_id: int, product_id: int, sku: str, change: Literal["created", "updated"]
) -> Outgoing:
    """A local catalog edit (CLI add or import): uploading shops hear of it."""
    now = datetime.now(UTC)
    event = CatalogChanged(
        event_id=f"catalog:{product_id}:{now.timestamp():.6f}",
        account_id=account_id,
        product_id=product_id,
        sku=sku,
        change=change,
        origin="local",
        changed_at=now,
    )
    return Outgoing(CATALOG_CHANGES, f"{account_id}:{sku}", encode(event))
