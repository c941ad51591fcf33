"""Documents of a decision batch held in memory: loaded from the database, staged, written.

A staged document is either new (a row to insert, with its lines) or stored (a row read
for update, with the columns the batch changed). Links between documents of the same
batch are kept as keys until the new rows have ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_returning_ids, insert_rows
from shopsync.adapters.db.decision_batch import DocKey
from shopsync.adapters.db.document_rows import content_of
from shopsync.adapters.db.models import Document, DocumentLine
from shopsync.domain.document_content import DocumentContent
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_state import DocumentRef

DOCUMENTS = cast(Table, Document.__table__)
LINES = cast(Table, DocumentLine.__table__)


@dataclass
class StagedDocument:
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


async def load_stored(session: AsyncSession, keys: set[DocKey]) -> dict[DocKey, StagedDocument]:
    """The stored documents of these keys (a key with no stored document is left out)."""
    if not keys:
        return {}
    rows = await session.execute(_documents_of(keys))
    pairs = ((_key_of(row), row) for row in rows.mappings())
    return {key: StagedDocument(dict(row), False) for key, row in pairs if key in keys}


def _documents_of(keys: set[DocKey]) -> Select[Any]:
    """The stored documents of the orders the keys name (the caller picks the keys' own)."""
    return select(DOCUMENTS).where(
        DOCUMENTS.c.connection_id.in_({c for c, _, _ in keys}),
        DOCUMENTS.c.order_ref.in_({o for _, o, _ in keys}),
    )


async def load_contents(session: AsyncSession, docs: list[StagedDocument]) -> None:
    """Read the lines of stored documents and set their content."""
    if not docs:
        return
    rows = await session.execute(
        select(LINES)
        .where(LINES.c.document_id.in_([d.id for d in docs]))
        .order_by(LINES.c.document_id, LINES.c.position)
    )
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in rows:
        lines[line.document_id].append(line)
    for doc in docs:
        doc.content = content_of(doc.row, lines[doc.id])


async def write_documents(session: AsyncSession, docs: dict[DocKey, StagedDocument]) -> None:
    """Insert the new documents and their lines, then set links and changed columns."""
    new = [d for d in docs.values() if d.new]
    await _insert_new(session, new)
    changed = [{"id": d.id, **d.changes} for d in docs.values() if d.changes]
    await _update_by_id(session, _links(new, docs) + changed)


async def _insert_new(session: AsyncSession, new: list[StagedDocument]) -> None:
    """Insert the new documents, then their lines under the ids the documents got."""
    await insert_returning_ids(session, DOCUMENTS, [d.row for d in new])  # sets "id"
    for doc in new:
        for line in doc.lines:
            line["document_id"] = doc.id
    await insert_rows(session, LINES, [line for d in new for line in d.lines])


def _links(new: list[StagedDocument], docs: dict[DocKey, StagedDocument]) -> list[dict[str, Any]]:
    """The link columns of the new documents, now that the documents they name have ids."""
    return [
        {"id": d.id, column: docs[target].id} for d in new for column, target in d.links.items()
    ]


def _key_of(row: Any) -> DocKey:
    ref = DocumentRef(DocumentKind(row["kind"]), row["generation"])
    return (row["connection_id"], row["order_ref"], ref)


async def _update_by_id(session: AsyncSession, changes: list[dict[str, Any]]) -> None:
    """Update documents by id, one executemany per set of changed columns."""
    for columns, rows in _by_columns(changes).items():
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns if c != "id"}
        params = [{"v_id": r["id"], **{f"v_{c}": r[c] for c in columns if c != "id"}} for r in rows]
        await session.execute(
            update(DOCUMENTS).where(DOCUMENTS.c.id == bindparam("v_id")).values(values), params
        )


def _by_columns(changes: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """The changes grouped by the columns they set."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        groups[tuple(sorted(change))].append(change)
    return groups
