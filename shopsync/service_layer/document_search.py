"""Finding documents by number, order, buyer, Budapest day, kind and state (the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document, ShopConnection
from shopsync.domain.budapest import BUDAPEST
from shopsync.service_layer.document_reads import document_summary


@dataclass(frozen=True)
class DocumentQuery:
    """What to look for; empty fields match everything. Days are Budapest days."""

    number: str = ""
    order: str = ""
    buyer: str = ""
    kind: str = ""
    state: str = ""
    connection: str = ""
    day_from: date | None = None
    day_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), BUDAPEST)


def _conditions(wanted: DocumentQuery) -> list[ColumnElement[bool]]:
    """One condition per field that is given."""
    given: list[tuple[object, ColumnElement[bool] | None]] = [
        (wanted.number, Document.document_number.ilike(f"%{wanted.number}%")),
        (wanted.order, Document.order_ref == wanted.order),
        (wanted.buyer, func.lower(Document.buyer_name).contains(wanted.buyer.lower())),
        (wanted.kind, Document.kind == wanted.kind),
        (wanted.state, Document.status == wanted.state),
        (wanted.connection, ShopConnection.name == wanted.connection),
    ]
    if wanted.day_from:
        given.append((True, Document.created_at >= _day_start(wanted.day_from)))
    if wanted.day_to:
        given.append((True, Document.created_at < _day_start(wanted.day_to + timedelta(days=1))))
    return [condition for value, condition in given if value and condition is not None]


async def search_documents(
    session: AsyncSession, wanted: DocumentQuery, limit: int = 100
) -> list[dict[str, Any]]:
    """The newest `limit` documents that match, as their summaries."""
    query = select(Document, ShopConnection.name).join(
        ShopConnection, ShopConnection.id == Document.connection_id
    )
    query = query.where(*_conditions(wanted)).order_by(Document.id.desc()).limit(limit)
    rows: list[tuple[Document, str]] = [(r[0], r[1]) for r in await session.execute(query)]
    return [document_summary(document, name) for document, name in rows]
