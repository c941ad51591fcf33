"""What a cancellation reverses: the final invoice by its storno, every other live document
voided, and the stock the order held returned."""

from __future__ import annotations

from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import Decision, IssueStorno, MarkDocument, Result
from shopsync.domain.order_events import StatusReported
from shopsync.domain.order_rules import CancelAction, OrderRules
from shopsync.domain.order_state import DocumentRef, DocumentStatus, OrderDocument, OrderState
from shopsync.domain.order_stock import stock_after_cancel

Reversal = tuple[IssueStorno | MarkDocument, ...]


def cancel(state: OrderState, rules: OrderRules, event: StatusReported) -> Decision:
    """Reverse what is live; the stock goes back on the storno (or the first voided document)."""
    if rules.cancel_action is CancelAction.NONE:
        return Decision(state, (), Result.IGNORED, "cancellation action is none: nothing reversed")
    state, stornoed = _storno(state, rules, event.status_id)
    state, voided = _void_live(state)
    reversal = (*stornoed, *voided)
    if not reversal:
        return Decision(state, (), Result.UNCHANGED, "nothing live to cancel")
    first = reversal[0]
    reason = "storno" if isinstance(first, IssueStorno) else "void"
    state, stock = stock_after_cancel(state, rules, first.ref, reason)
    return Decision(state, (*reversal, *stock), Result.CANCELLED, _cancel_note(reversal))


def _storno(state: OrderState, rules: OrderRules, status_id: str) -> tuple[OrderState, Reversal]:
    """A final invoice's storno (a draft invoice was never reported: it is only voided)."""
    invoice = state.live(DocumentKind.INVOICE)
    if invoice is None or invoice.draft:
        return state, ()
    storno = DocumentRef(DocumentKind.STORNO, invoice.ref.generation)
    state = state.marked(invoice.ref, DocumentStatus.STORNOED)
    state = state.with_document(OrderDocument(storno, draft=False))
    issue = IssueStorno(storno, invoice.ref, status_id, rules.email)
    return state, (issue, MarkDocument(invoice.ref, DocumentStatus.STORNOED))


def _void_live(state: OrderState) -> tuple[OrderState, Reversal]:
    """Void what is still live: a draft invoice, a proforma."""
    marks: list[MarkDocument] = []
    for kind in (DocumentKind.INVOICE, DocumentKind.PROFORMA):
        if (document := state.live(kind)) is not None:
            marks.append(MarkDocument(document.ref, DocumentStatus.VOIDED))
            state = state.marked(document.ref, DocumentStatus.VOIDED)
    return state, tuple(marks)


def _cancel_note(reversal: Reversal) -> str:
    done = [f"{a.ref.kind.value} {a.status.value}" for a in reversal if isinstance(a, MarkDocument)]
    return "cancelled: " + ", ".join(done)
