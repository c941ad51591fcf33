"""Carrying out order lifecycle decisions in bulk: documents, numbers, stock, misses, outbox.

`prepare` does every read and lock (stored documents the decisions name, stock levels,
numbering series) and stages rows in memory, in the order of the decisions, so a later
decision of the batch builds on an earlier one (a storno of an invoice issued three events
before). `write` then inserts and updates in a few bulk statements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_returning_ids, insert_rows
from shopsync.adapters.db.document_rows import content_of, document_row, line_rows, numbered
from shopsync.adapters.db.models import (
    Document,
    DocumentLine,
    OutboxMessage,
    SkuMiss,
    StockMovement,
)
from shopsync.adapters.db.numbering import NumberAllocator
from shopsync.adapters.db.outbox_records import (
    document_issued,
    document_voided,
    outbox_row,
    stock_moved,
)
from shopsync.adapters.db.stock_levels import add_to_levels, lock_levels
from shopsync.domain import order_actions as do
from shopsync.domain.document_content import DocumentContent, storno_content
from shopsync.domain.documents import DocumentKind, numbering_of
from shopsync.domain.order_state import DocumentRef, DocumentStatus

DOCUMENTS = cast(Table, Document.__table__)
LINES = cast(Table, DocumentLine.__table__)
DocKey = tuple[int, str, DocumentRef]  # (connection id, order ref, document in the order)


@dataclass
class Planned:
    """One decision to carry out, with the order it belongs to."""

    account_id: int
    connection_id: int
    order_ref: str
    decision: do.Decision

    def key(self, ref: DocumentRef) -> DocKey:
        return (self.connection_id, self.order_ref, ref)


@dataclass(frozen=True)
class Applied:
    document_id: int | None  # the document the decision issued or finalized
    skus_not_found: int


@dataclass
class _Doc:
    row: dict[str, Any]
    new: bool
    content: DocumentContent | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)  # of a stored row
    links: dict[str, DocKey] = field(default_factory=dict)  # column → document of this batch
    issued: bool = False
    voided: bool = False

    @property
    def id(self) -> int:
        return int(self.row["id"])

    def set(self, values: dict[str, Any]) -> None:
        self.row.update(values)
        if not self.new:
            self.changes.update(values)


class OrderDecisionWriter:
    """Stages a batch of decisions (`prepare`, reads and locks) and writes it (`write`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._docs: dict[DocKey, _Doc] = {}
        self._moves: list[tuple[Planned, do.MoveStock]] = []
        self._misses: list[tuple[Planned, do.RecordSkuMiss]] = []
        self._levels: set[tuple[int, int]] = set()
        self._now = datetime.now(UTC)

    async def prepare(self, planned: list[Planned]) -> None:
        await self._load_documents(planned)
        moved = {(m.key.warehouse_id, m.key.product_id) for p in planned for m in _moves(p)}
        self._levels = await lock_levels(self._session, moved)
        numbers = NumberAllocator(self._session)
        for item in planned:
            for action in item.decision.actions:
                await self._stage(item, action, numbers)

    async def write(self, planned: list[Planned]) -> list[Applied]:
        await self._write_documents()
        movements = await self._write_stock()
        await insert_rows(self._session, cast(Table, SkuMiss.__table__), self._miss_rows())
        await insert_rows(
            self._session, cast(Table, OutboxMessage.__table__), self._outbox(movements)
        )
        return [self._applied(item) for item in planned]

    async def _stage(self, item: Planned, action: do.Action, numbers: NumberAllocator) -> None:
        if isinstance(action, do.IssueDocument):
            doc = self._new(item, action.ref, action.content, action.draft)
            if action.follows is not None:
                doc.links["follows_document_id"] = item.key(action.follows)
            if not action.draft:
                await self._number(doc, numbers, action.email)
        elif isinstance(action, do.IssueStorno):
            original = self._docs[item.key(action.original)]
            assert original.content is not None
            content = storno_content(original.content, action.order_status)
            doc = self._new(item, action.ref, content, False)
            doc.links["references_document_id"] = item.key(action.original)
            await self._number(doc, numbers, action.email)
        elif isinstance(action, do.MarkDocument):
            doc = self._docs[item.key(action.ref)]
            doc.set({"status": action.status.value})
            doc.voided = action.status is DocumentStatus.VOIDED
        elif isinstance(action, do.NumberDocument):
            await self._number(self._docs[item.key(action.ref)], numbers, action.email)
        elif isinstance(action, do.MoveStock):
            self._moves.append((item, action))
        else:
            self._misses.append((item, action))

    def _new(self, item: Planned, ref: DocumentRef, content: DocumentContent, draft: bool) -> _Doc:
        owner = (item.account_id, item.connection_id, item.order_ref)
        row = document_row(content, owner, ref, draft, self._now)
        row.update(references_document_id=None, follows_document_id=None)
        doc = _Doc(row, True, content, line_rows(content.body), issued=True)
        self._docs[item.key(ref)] = doc
        return doc

    async def _number(self, doc: _Doc, numbers: NumberAllocator, email: bool) -> None:
        row = doc.row
        kind = DocumentKind(row["kind"])
        number = await numbers.take(row["account_id"], numbering_of(kind), row["series"])
        doc.set(numbered(row["series"], number, email, row["buyer_email"], self._now))
        doc.issued = True

    async def _load_documents(self, planned: list[Planned]) -> None:
        """The stored documents the decisions name, and the lines of those to storno."""
        issued = {
            p.key(a.ref)
            for p in planned
            for a in p.decision.actions
            if isinstance(a, do.IssueDocument | do.IssueStorno)
        }
        named = {p.key(ref) for p in planned for ref in _named(p.decision.actions)} - issued
        if not named:
            return
        rows = await self._session.execute(
            select(DOCUMENTS).where(
                DOCUMENTS.c.connection_id.in_({c for c, _, _ in named}),
                DOCUMENTS.c.order_ref.in_({o for _, o, _ in named}),
            )
        )
        for row in rows.mappings():
            ref = DocumentRef(DocumentKind(row["kind"]), row["generation"])
            key = (row["connection_id"], row["order_ref"], ref)
            if key in named:
                self._docs[key] = _Doc(dict(row), False)
        originals = {
            p.key(a.original)
            for p in planned
            for a in p.decision.actions
            if isinstance(a, do.IssueStorno)
        } & named
        await self._load_contents([self._docs[k] for k in originals if k in self._docs])

    async def _load_contents(self, docs: list[_Doc]) -> None:
        if not docs:
            return
        rows = await self._session.execute(
            select(LINES)
            .where(LINES.c.document_id.in_([d.id for d in docs]))
            .order_by(LINES.c.document_id, LINES.c.position)
        )
        lines: dict[int, list[Any]] = defaultdict(list)
        for line in rows:
            lines[line.document_id].append(line)
        for doc in docs:
            doc.content = content_of(doc.row, lines[doc.id])

    async def _write_documents(self) -> None:
        new = [d for d in self._docs.values() if d.new]
        await insert_returning_ids(self._session, DOCUMENTS, [d.row for d in new])  # sets "id"
        for doc in new:
            for line in doc.lines:
                line["document_id"] = doc.id
        await insert_rows(self._session, LINES, [line for d in new for line in d.lines])
        links = [
            {"id": d.id, column: self._docs[target].id}
            for d in new
            for column, target in d.links.items()
        ]
        changed = [{"id": d.id, **d.changes} for d in self._docs.values() if d.changes]
        await _update_by_id(self._session, links + changed)

    async def _write_stock(self) -> list[tuple[int, dict[str, Any], str]]:
        rows: list[dict[str, Any]] = [
            {
                "account_id": item.account_id,
                "warehouse_id": move.key.warehouse_id,
                "product_id": move.key.product_id,
                "quantity": move.quantity,
                "reason": move.reason,
                "document_id": self._docs[item.key(move.document)].id,
                "note": f"{move.reason} {item.order_ref}"[:500],
                "created_at": self._now,
            }
            for item, move in self._moves
        ]
        ids = await insert_returning_ids(self._session, cast(Table, StockMovement.__table__), rows)
        deltas: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for row in rows:
            deltas[(row["warehouse_id"], row["product_id"])] += row["quantity"]
        await add_to_levels(self._session, deltas, self._levels)
        skus = [move.key.sku for _, move in self._moves]
        return list(zip(ids, rows, skus, strict=True))

    def _miss_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "document_id": self._docs[item.key(miss.document)].id,
                "connection_id": item.connection_id,
                "order_ref": item.order_ref,
                "sku": miss.sku[:100],
                "created_at": self._now,
            }
            for item, miss in self._misses
        ]

    def _outbox(self, movements: list[tuple[int, dict[str, Any], str]]) -> list[dict[str, Any]]:
        docs = self._docs.values()
        records = [document_issued(d.id, d.row) for d in docs if d.issued]
        records += [document_voided(d.id, d.row, self._now) for d in docs if d.voided]
        records += [stock_moved(i, row, sku) for i, row, sku in movements]
        return [outbox_row(record) for record in records]

    def _applied(self, item: Planned) -> Applied:
        actions = item.decision.actions
        main = next(
            (
                a.ref
                for a in actions
                if isinstance(a, do.IssueDocument | do.IssueStorno | do.NumberDocument)
            ),
            None,
        )
        document = None if main is None else self._docs[item.key(main)].id
        misses = sum(isinstance(a, do.RecordSkuMiss) for a in actions)
        return Applied(document, misses)


def _moves(item: Planned) -> list[do.MoveStock]:
    return [a for a in item.decision.actions if isinstance(a, do.MoveStock)]


def _named(actions: tuple[do.Action, ...]) -> list[DocumentRef]:
    """Documents the actions refer to (which may have been stored by an earlier batch)."""
    refs: list[DocumentRef] = []
    for a in actions:
        if isinstance(a, do.MarkDocument | do.NumberDocument):
            refs.append(a.ref)
        elif isinstance(a, do.IssueStorno):
            refs.append(a.original)
        elif isinstance(a, do.IssueDocument) and a.follows is not None:
            refs.append(a.follows)
        elif isinstance(a, do.MoveStock | do.RecordSkuMiss):
            refs.append(a.document)
    return refs


async def _update_by_id(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Update documents by id, one executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        groups[tuple(sorted(change))].append(change)
    for columns, rows in groups.items():
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns if c != "id"}
        params = [{"v_id": r["id"], **{f"v_{c}": r[c] for c in columns if c != "id"}} for r in rows]
        await session.execute(
            update(DOCUMENTS).where(DOCUMENTS.c.id == bindparam("v_id")).values(values), params
        )
