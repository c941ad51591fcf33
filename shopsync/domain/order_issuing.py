"""A status that asks for a document: the proforma or invoice issued, and what becomes of a
proforma the invoice follows."""

from __future__ import annotations

from dataclasses import replace

from shopsync.domain.document_content import content_for
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import Decision, IssueDocument, MarkDocument, Result
from shopsync.domain.order_events import StatusReported
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import DocumentRef, DocumentStatus, OrderDocument, OrderState
from shopsync.domain.order_stock import Catalog, stock_after_issue

INVOICE, PROFORMA = DocumentKind.INVOICE, DocumentKind.PROFORMA


def issue_requested(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    """The document the status asks for, unless a rule says none or the order has it."""
    kind = rules.kind_for(event.status_id)
    if kind is None:
        return Decision(state, (), Result.IGNORED, "no status rule asks for a document")
    if not rules.auto_accept:
        return Decision(state, (), Result.IGNORED, "auto-accept is off: no document issued")
    if state.live(INVOICE) is not None:
        return Decision(state, (), Result.UNCHANGED, "the order already has a live invoice")
    if kind is PROFORMA:
        return _proforma(state, rules, event, catalog)
    return _invoice(state, rules, event, catalog)


def _proforma(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    if state.live(PROFORMA) is not None:
        return Decision(state, (), Result.UNCHANGED, "the order already has a live proforma")
    return _issue(state, rules, event, catalog, PROFORMA)


def _invoice(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    proforma = state.live(PROFORMA)
    if proforma is None:
        return _issue(state, rules, event, catalog, INVOICE)
    # A final proforma is settled by the invoice (which names it); a draft never became one.
    status = DocumentStatus.VOIDED if proforma.draft else DocumentStatus.SETTLED
    follows = None if proforma.draft else proforma.ref
    marked = state.marked(proforma.ref, status)
    decision = _issue(marked, rules, event, catalog, INVOICE, follows)
    return replace(decision, actions=(MarkDocument(proforma.ref, status), *decision.actions))


def _issue(
    state: OrderState,
    rules: OrderRules,
    event: StatusReported,
    catalog: Catalog,
    kind: DocumentKind,
    follows: DocumentRef | None = None,
) -> Decision:
    ref = state.next_ref(kind)
    content = content_for(event.order, kind, rules)
    issue = IssueDocument(ref, content, rules.draft, rules.email and not rules.draft, follows)
    state = state.with_document(OrderDocument(ref, rules.draft, follows=follows))
    state, stock = stock_after_issue(state, rules, ref, event.order, catalog)
    note = f"{'draft ' if rules.draft else ''}{kind.value} issued"
    return Decision(state, (issue, *stock), Result.ISSUED, note)
