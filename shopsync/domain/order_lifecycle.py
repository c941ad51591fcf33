"""The order lifecycle: from an order's state, its shop's rules and one event, what to do.

Every rule about orders lives in this module and the ones it calls, once: which status asks for
which document (order_issuing), what a cancellation reverses (order_cancelling), when stock
moves, once per order and returned exactly (order_stock), what a stale or out-of-order event
changes (nothing). The one-event and the batch paths both call `decide`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shopsync.domain.order_actions import Decision, NumberDocument, Result
from shopsync.domain.order_cancelling import cancel
from shopsync.domain.order_events import FinalizeRequested, OrderEvent, StatusReported
from shopsync.domain.order_issuing import issue_requested
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import (
    DocumentRef,
    DocumentStatus,
    HistoryEntry,
    OrderDocument,
    OrderState,
)
from shopsync.domain.order_stock import Catalog

__all__ = ["Catalog", "FinalizeRequested", "OrderEvent", "StatusReported", "decide"]


def decide(
    state: OrderState, rules: OrderRules, event: OrderEvent, catalog: Catalog | None = None
) -> Decision:
    """The order's new state and what to do about `event`; no I/O, no clock."""
    if isinstance(event, FinalizeRequested):
        return _noted(_finalize(state, rules, event.ref), "(finalize)", event.at)
    return _reported(state, rules, event, catalog or {})


def _reported(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    if not rules.intake:
        return Decision(state, (), Result.IGNORED, "order intake is off for this connection")
    if _is_stale(state, event):
        note = f"older than status {state.last_status_id} already applied: nothing changes"
        stale = Decision(state, (), Result.STALE, note)
        return _noted(stale, event.status_id, event.status_at)
    if rules.is_writeback_echo(event.status_id):
        note = "the status ShopSync sets after writing the invoice back: nothing is issued"
        return _noted(Decision(state, (), Result.IGNORED, note), event.status_id, event.status_at)
    if event.status_id in rules.cancel_statuses:
        decision = cancel(state, rules, event)
    else:
        decision = issue_requested(state, rules, event, catalog)
    return _noted(decision, event.status_id, event.status_at, seen=True)


def _is_stale(state: OrderState, event: StatusReported) -> bool:
    last, now = state.last_status_at, event.status_at
    return last is not None and now is not None and now < last


def _noted(decision: Decision, status_id: str, at: datetime | None, seen: bool = False) -> Decision:
    """The decision with the event in the order's history (and as its last status if seen)."""
    entry = HistoryEntry(status_id, at, decision.result.value, decision.note)
    state = decision.state.noted(entry)
    if seen:
        state = replace(state, last_status_id=status_id, last_status_at=at or state.last_status_at)
    return replace(decision, state=state)


def _finalize(state: OrderState, rules: OrderRules, ref: DocumentRef) -> Decision:
    document = state.document(ref)
    refusal = _finalize_refusal(document)
    if refusal or document is None:
        return Decision(state, (), Result.REFUSED, refusal or "no such document")
    state = state.with_document(replace(document, draft=False))
    number = NumberDocument(ref, rules.email)
    return Decision(state, (number,), Result.FINALIZED, f"draft {ref.kind.value} finalized")


def _finalize_refusal(document: OrderDocument | None) -> str:
    if document is None:
        return "the order has no such document"
    if not document.draft:
        return "it is already final"
    if document.status is DocumentStatus.VOIDED:
        return "it was voided (the order was cancelled or invoiced): it can no longer be finalized"
    return ""
