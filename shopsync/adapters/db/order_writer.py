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

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_returning_ids, insert_rows
from shopsync.adapters.db.decision_batch import (
    Applied,
    DocKey,
    Planned,
    issued_keys,
    main_document,
    moves_of,
    named_keys,
    storno_original_keys,
)
from shopsync.adapters.db.document_rows import document_row, line_rows, numbered
from shopsync.adapters.db.models import OutboxMessage, SkuMiss, StockMovement
from shopsync.adapters.db.numbering import NumberAllocator
from shopsync.adapters.db.outbox_records import (
    document_issued,
    document_voided,
    outbox_row,
    stock_moved,
)
from shopsync.adapters.db.staged_documents import (
    StagedDocument,
    load_contents,
    load_stored,
    write_documents,
)
from shopsync.adapters.db.stock_levels import add_to_levels, lock_levels
from shopsync.domain import order_actions as do
from shopsync.domain.document_content import DocumentContent, storno_content
from shopsync.domain.documents import DocumentKind, numbering_of
from shopsync.domain.order_state import DocumentRef, DocumentStatus

__all__ = ["Applied", "OrderDecisionWriter", "Planned"]

Movement = tuple[int, dict[str, Any], str]  # (stock movement id, its row, the SKU)
MOVEMENTS = cast(Table, StockMovement.__table__)
SKU_MISSES = cast(Table, SkuMiss.__table__)
OUTBOX = cast(Table, OutboxMessage.__table__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class OrderDecisionWriter:
    """Stages a batch of decisions (`prepare`, reads and locks) and writes it (`write`)."""

    session: AsyncSession
    _docs: dict[DocKey, StagedDocument] = field(default_factory=dict, init=False)
    _moves: list[tuple[Planned, do.MoveStock]] = field(default_factory=list, init=False)
    _misses: list[tuple[Planned, do.RecordSkuMiss]] = field(default_factory=list, init=False)
    _levels: set[tuple[int, int]] = field(default_factory=set, init=False)
    now: datetime = field(default_factory=_utc_now)  # the issue time of the batch's documents

    async def prepare(self, planned: list[Planned]) -> None:
        await self._load_documents(planned)
        moved = {(m.key.warehouse_id, m.key.product_id) for p in planned for m in moves_of(p)}
        self._levels = await lock_levels(self.session, moved)
        numbers = NumberAllocator(self.session)
        for item in planned:
            for action in item.decision.actions:
                await self._stage(item, action, numbers)

    async def write(self, planned: list[Planned]) -> list[Applied]:
        await write_documents(self.session, self._docs)
        movements = await self._write_stock()
        await insert_rows(self.session, SKU_MISSES, self._miss_rows())
        await insert_rows(self.session, OUTBOX, self._outbox(movements))
        return [self._applied(item) for item in planned]

    async def _load_documents(self, planned: list[Planned]) -> None:
        """The stored documents the decisions name, and the lines of those to storno."""
        named = named_keys(planned) - issued_keys(planned)
        self._docs.update(await load_stored(self.session, named))
        originals = storno_original_keys(planned) & named
        await load_contents(self.session, [self._docs[k] for k in originals if k in self._docs])

    async def _stage(self, item: Planned, action: do.Action, numbers: NumberAllocator) -> None:
        if isinstance(action, do.IssueDocument):
            await self._issue(item, action, numbers)
        elif isinstance(action, do.IssueStorno):
            await self._issue_storno(item, action, numbers)
        elif isinstance(action, do.MarkDocument):
            self._mark(item, action)
        elif isinstance(action, do.NumberDocument):
            doc = self._docs[item.key(action.ref)]
            await self._number(doc, numbers, action.email, item.exchange_rate)
        elif isinstance(action, do.MoveStock):
            self._moves.append((item, action))
        else:
            self._misses.append((item, action))

    async def _issue(
        self, item: Planned, action: do.IssueDocument, numbers: NumberAllocator
    ) -> None:
        doc = self._new(item, action.ref, action.content, action.draft)
        if action.follows is not None:
            doc.links["follows_document_id"] = item.key(action.follows)
        if not action.draft:
            await self._number(doc, numbers, action.email, item.exchange_rate)

    async def _issue_storno(
        self, item: Planned, action: do.IssueStorno, numbers: NumberAllocator
    ) -> None:
        original = self._docs[item.key(action.original)]
        assert original.content is not None
        content = storno_content(original.content, action.order_status)
        doc = self._new(item, action.ref, content, False)
        doc.links["references_document_id"] = item.key(action.original)
        # A storno reverses the invoice's supply: the invoice's rate, whatever today's is.
        await self._number(doc, numbers, action.email, original.row.get("exchange_rate"))

    def _mark(self, item: Planned, action: do.MarkDocument) -> None:
        doc = self._docs[item.key(action.ref)]
        doc.set({"status": action.status.value})
        doc.voided = action.status is DocumentStatus.VOIDED

    def _new(
        self, item: Planned, ref: DocumentRef, content: DocumentContent, draft: bool
    ) -> StagedDocument:
        owner = (item.account_id, item.connection_id, item.order_ref)
        row = document_row(content, owner, ref, draft, self.now)
        row.update(references_document_id=None, follows_document_id=None)
        doc = StagedDocument(row, True, content, line_rows(content.body), issued=True)
        self._docs[item.key(ref)] = doc
        return doc

    async def _number(
        self, doc: StagedDocument, numbers: NumberAllocator, email: bool, rate: Decimal | None
    ) -> None:
        row = doc.row
        kind = DocumentKind(row["kind"])
        number = await numbers.take(row["account_id"], numbering_of(kind), row["series"])
        doc.set(numbered(row["series"], number, email, row["buyer_email"], self.now))
        doc.set({"exchange_rate": rate})
        doc.issued = True

    async def _write_stock(self) -> list[Movement]:
        rows = [self._movement_row(item, move) for item, move in self._moves]
        ids = await insert_returning_ids(self.session, MOVEMENTS, rows)
        await add_to_levels(self.session, _deltas(rows), self._levels)
        skus = [move.key.sku for _, move in self._moves]
        return list(zip(ids, rows, skus, strict=True))

    def _movement_row(self, item: Planned, move: do.MoveStock) -> dict[str, Any]:
        return {
            "account_id": item.account_id,
            "warehouse_id": move.key.warehouse_id,
            "product_id": move.key.product_id,
            "quantity": move.quantity,
            "reason": move.reason,
            "document_id": self._docs[item.key(move.document)].id,
            "note": f"{move.reason} {item.order_ref}"[:500],
            "created_at": self.now,
        }

    def _miss_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "document_id": self._docs[item.key(miss.document)].id,
                "connection_id": item.connection_id,
                "order_ref": item.order_ref,
                "sku": miss.sku[:100],
                "created_at": self.now,
            }
            for item, miss in self._misses
        ]

    def _outbox(self, movements: list[Movement]) -> list[dict[str, Any]]:
        docs = self._docs.values()
        records = [document_issued(d.id, d.row) for d in docs if d.issued]
        records += [document_voided(d.id, d.row, self.now) for d in docs if d.voided]
        records += [stock_moved(i, row, sku) for i, row, sku in movements]
        return [outbox_row(record) for record in records]

    def _applied(self, item: Planned) -> Applied:
        main = main_document(item.decision.actions)
        document = None if main is None else self._docs[item.key(main)].id
        misses = sum(isinstance(a, do.RecordSkuMiss) for a in item.decision.actions)
        return Applied(document, misses)


def _deltas(rows: list[dict[str, Any]]) -> dict[tuple[int, int], Decimal]:
    """The net change of each (warehouse, product) the movement rows make."""
    deltas: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in rows:
        deltas[(row["warehouse_id"], row["product_id"])] += row["quantity"]
    return deltas
