"""A batch of order decisions as the writer sees it: what to carry out, what came of it.

Pure helpers over the decisions' actions: which documents they issue, which stored
documents they name, which document a decision is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shopsync.domain import order_actions as do
from shopsync.domain.order_state import DocumentRef

DocKey = tuple[int, str, DocumentRef]  # (connection id, order ref, document in the order)


@dataclass
class Planned:
    """One decision to carry out, with the order it belongs to."""

    account_id: int
    connection_id: int
    order_ref: str
    decision: do.Decision
    #: HUF per unit of the order's currency on the issue day, for a document numbered now.
    exchange_rate: Decimal | None = None

    def key(self, ref: DocumentRef) -> DocKey:
        return (self.connection_id, self.order_ref, ref)


@dataclass(frozen=True)
class Applied:
    document_id: int | None  # the document the decision issued or finalized
    skus_not_found: int


def moves_of(item: Planned) -> list[do.MoveStock]:
    return [a for a in item.decision.actions if isinstance(a, do.MoveStock)]


def issued_keys(planned: list[Planned]) -> set[DocKey]:
    """The documents the batch itself issues (nothing to load for them)."""
    return {
        p.key(a.ref)
        for p in planned
        for a in p.decision.actions
        if isinstance(a, do.IssueDocument | do.IssueStorno)
    }


def named_keys(planned: list[Planned]) -> set[DocKey]:
    """The documents the batch refers to, stored by an earlier batch or issued by this one."""
    return {p.key(ref) for p in planned for ref in _named(p.decision.actions)}


def storno_original_keys(planned: list[Planned]) -> set[DocKey]:
    """The documents the batch stornoes (whose lines the storno copies)."""
    return {
        p.key(a.original)
        for p in planned
        for a in p.decision.actions
        if isinstance(a, do.IssueStorno)
    }


def main_document(actions: tuple[do.Action, ...]) -> DocumentRef | None:
    """The document a decision issues or finalizes, if any."""
    main = (
        a for a in actions if isinstance(a, do.IssueDocument | do.IssueStorno | do.NumberDocument)
    )
    return next((a.ref for a in main), None)


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
