"""An order's lifecycle state as the JSON stored in `order_states.state`, and back."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_state import (
    DocumentRef,
    DocumentStatus,
    HeldStock,
    HistoryEntry,
    OrderDocument,
    OrderState,
    StockKey,
)


def state_to_json(state: OrderState) -> dict[str, Any]:
    """The state as JSON values: documents as objects, small values as arrays.

    `{"documents": [{"ref": ["invoice", 1], "draft": false, "status": "live", "follows":
    null}], "stock": [[[warehouse, product, sku], "2"]], "last_status_id": "6",
    "last_status_at": "2026-03-01T09:00:00+00:00", "history": [[status, at, result, note]]}`
    """
    return {
        "documents": [_document_json(d) for d in state.documents],
        "stock": [[list(h.key), str(h.quantity)] for h in state.stock],
        "last_status_id": state.last_status_id,
        "last_status_at": _time_json(state.last_status_at),
        "history": [[e[0], _time_json(e[1]), e[2], e[3]] for e in state.history],
    }


def state_from_json(data: dict[str, Any]) -> OrderState:
    return OrderState(
        documents=tuple(_document_of(d) for d in data.get("documents", [])),
        stock=tuple(
            HeldStock(StockKey(int(w), int(p), str(sku)), Decimal(quantity))
            for (w, p, sku), quantity in data.get("stock", [])
        ),
        last_status_id=str(data.get("last_status_id", "")),
        last_status_at=_time(data.get("last_status_at")),
        history=tuple(
            HistoryEntry(status, _time(at), result, note)
            for status, at, result, note in data.get("history", [])
        ),
    )


def _document_json(document: OrderDocument) -> dict[str, Any]:
    follows = document.follows
    return {
        "ref": [document.ref.kind.value, document.ref.generation],
        "draft": document.draft,
        "status": document.status.value,
        "follows": None if follows is None else [follows.kind.value, follows[1]],
    }


def _document_of(data: dict[str, Any]) -> OrderDocument:
    return OrderDocument(
        _ref(data["ref"]),
        bool(data["draft"]),
        DocumentStatus(data["status"]),
        None if data.get("follows") is None else _ref(data["follows"]),
    )


def _time_json(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _ref(value: list[Any]) -> DocumentRef:
    return DocumentRef(DocumentKind(value[0]), int(value[1]))


def _time(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value).astimezone(UTC)
