"""Order lifecycle states in the `order_states` table: loaded per batch, saved in its commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_rows, is_postgresql
from shopsync.adapters.db.models import OrderStateRow
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

OrderKey = tuple[int, str]  # (connection id, order ref)
TABLE = cast(Table, OrderStateRow.__table__)


async def load_states(
    session: AsyncSession, keys: Iterable[OrderKey]
) -> dict[OrderKey, OrderState]:
    """The stored states of these orders, locked for this transaction (PostgreSQL)."""
    wanted = set(keys)
    if not wanted:
        return {}
    # Two plain IN lists the primary key serves (a row-valued IN list would scan the table);
    # rows locked in key order so that two workers never wait on each other in a circle.
    query = (
        select(TABLE.c.connection_id, TABLE.c.order_ref, TABLE.c.state)
        .where(
            TABLE.c.connection_id.in_({c for c, _ in wanted}),
            TABLE.c.order_ref.in_({o for _, o in wanted}),
        )
        .order_by(TABLE.c.connection_id, TABLE.c.order_ref)
    )
    if is_postgresql(session):
        query = query.with_for_update()
    rows = await session.execute(query)
    return {(r[0], r[1]): state_from_json(r[2]) for r in rows if (r[0], r[1]) in wanted}


async def save_states(
    session: AsyncSession, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
) -> None:
    """Write changed states by order; `stored` are the orders whose row exists already."""
    now = datetime.now(UTC)
    existing = set(stored)
    rows = [
        {
            "connection_id": key[0],
            "order_ref": key[1],
            "state": state_to_json(state),
            "updated_at": now,
        }
        for key, state in states.items()
    ]
    await insert_rows(session, TABLE, [r for r in rows if _key(r) not in existing])
    changed = [
        {**r, "c": r["connection_id"], "o": r["order_ref"]} for r in rows if _key(r) in existing
    ]
    if changed:
        await session.execute(
            update(TABLE)
            .where(TABLE.c.connection_id == bindparam("c"), TABLE.c.order_ref == bindparam("o"))
            .values(state=bindparam("state"), updated_at=bindparam("updated_at")),
            changed,
        )


def _key(row: dict[str, Any]) -> OrderKey:
    return (row["connection_id"], row["order_ref"])


def state_to_json(state: OrderState) -> dict[str, Any]:
    """The state as JSON values: documents as objects, small values as arrays.

    `{"documents": [{"ref": ["invoice", 1], "draft": false, "status": "live", "follows":
    null}], "stock": [[[warehouse, product, sku], "2"]], "last_status_id": "6",
    "last_status_at": "2026-03-01T09:00:00+00:00", "history": [[status, at, result, note]]}`
    """
    return {
        "documents": [
            {
                "ref": [d.ref.kind.value, d.ref.generation],
                "draft": d.draft,
                "status": d.status.value,
                "follows": None if d.follows is None else [d.follows.kind.value, d.follows[1]],
            }
            for d in state.documents
        ],
        "stock": [[list(h.key), str(h.quantity)] for h in state.stock],
        "last_status_id": state.last_status_id,
        "last_status_at": _time_json(state.last_status_at),
        "history": [[e[0], _time_json(e[1]), e[2], e[3]] for e in state.history],
    }


def _time_json(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def state_from_json(data: dict[str, Any]) -> OrderState:
    return OrderState(
        documents=tuple(
            OrderDocument(
                _ref(d["ref"]),
                bool(d["draft"]),
                DocumentStatus(d["status"]),
                None if d.get("follows") is None else _ref(d["follows"]),
            )
            for d in data.get("documents", [])
        ),
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


def _ref(value: list[Any]) -> DocumentRef:
    return DocumentRef(DocumentKind(value[0]), int(value[1]))


def _time(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value).astimezone(UTC)
