"""The order lifecycle: from an order's state, its shop's rules and one event, what to do.

Every rule about orders lives here, once: which status asks for which document, what a
cancellation reverses, when stock moves (once per order, returned exactly), what a stale or
out-of-order event changes (nothing). The one-event and the batch paths both call `decide`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from shopsync.domain.document_content import content_for
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import (
    Action,
    Decision,
    IssueDocument,
    IssueStorno,
    MarkDocument,
    MoveStock,
    NumberDocument,
    RecordSkuMiss,
    Result,
)
from shopsync.domain.order_rules import CancelAction, OrderRules
from shopsync.domain.order_state import (
    HISTORY_LENGTH,
    DocumentRef,
    DocumentStatus,
    HistoryEntry,
    OrderDocument,
    OrderState,
    StockKey,
)
from shopsync.domain.orders import Order

#: The account's products by SKU (product ids): which order lines can move stock.
Catalog = Mapping[str, int]
INVOICE, PROFORMA, STORNO = DocumentKind.INVOICE, DocumentKind.PROFORMA, DocumentKind.STORNO


@dataclass(frozen=True)
class StatusReported:
    """The shop says the order is now in this status (a webhook, or a poll of the order)."""

    status_id: str
    status_at: datetime | None
    order: Order


@dataclass(frozen=True)
class FinalizeRequested:
    """An operator finalizes a draft: it gets its number."""

    ref: DocumentRef
    at: datetime


OrderEvent = StatusReported | FinalizeRequested


def decide(
    state: OrderState, rules: OrderRules, event: OrderEvent, catalog: Catalog | None = None
) -> Decision:
    """The order's new state and what to do about `event`; no I/O, no clock."""
    if isinstance(event, FinalizeRequested):
        return _noted(_finalize(state, rules, event.ref), "(finalize)", event.at)
    if not rules.intake:
        return Decision(state, (), Result.IGNORED, "order intake is off for this connection")
    if _is_stale(state, event):
        note = f"older than status {state.last_status_id} already applied: nothing changes"
        stale = Decision(state, (), Result.STALE, note)
        return _noted(stale, event.status_id, event.status_at)
    if event.status_id in rules.cancel_statuses:
        decision = _cancel(state, rules, event)
    else:
        decision = _request(state, rules, event, catalog or {})
    return _noted(decision, event.status_id, event.status_at, seen=True)


def _is_stale(state: OrderState, event: StatusReported) -> bool:
    last, now = state.last_status_at, event.status_at
    return last is not None and now is not None and now < last


def _noted(decision: Decision, status_id: str, at: datetime | None, seen: bool = False) -> Decision:
    """The decision with the event in the order's history (and as its last status if seen)."""
    s = decision.state
    entry = HistoryEntry(status_id, at, decision.result.value, decision.note)
    state = OrderState(
        s.documents,
        s.stock,
        status_id if seen else s.last_status_id,
        (at or s.last_status_at) if seen else s.last_status_at,
        (*s.history, entry)[-HISTORY_LENGTH:],
    )
    return Decision(state, decision.actions, decision.result, decision.note)


def _request(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    kind = rules.kind_for(event.status_id)
    if kind is None:
        return Decision(state, (), Result.IGNORED, "no status rule asks for a document")
    if not rules.auto_accept:
        return Decision(state, (), Result.IGNORED, "auto-accept is off: no document issued")
    if state.live(INVOICE) is not None:
        return Decision(state, (), Result.UNCHANGED, "the order already has a live invoice")
    if kind is PROFORMA:
        if state.live(PROFORMA) is not None:
            return Decision(state, (), Result.UNCHANGED, "the order already has a live proforma")
        return _issue(state, rules, event, catalog, PROFORMA, ())
    return _invoice(state, rules, event, catalog)


def _invoice(
    state: OrderState, rules: OrderRules, event: StatusReported, catalog: Catalog
) -> Decision:
    proforma = state.live(PROFORMA)
    if proforma is None:
        return _issue(state, rules, event, catalog, INVOICE, ())
    # A final proforma is settled by the invoice (which names it); a draft never became one.
    status = DocumentStatus.VOIDED if proforma.draft else DocumentStatus.SETTLED
    state = state.marked(proforma.ref, status)
    follows = None if proforma.draft else proforma.ref
    return _issue(
        state, rules, event, catalog, INVOICE, (MarkDocument(proforma.ref, status),), follows
    )


def _issue(
    state: OrderState,
    rules: OrderRules,
    event: StatusReported,
    catalog: Catalog,
    kind: DocumentKind,
    before: tuple[Action, ...],
    follows: DocumentRef | None = None,
) -> Decision:
    ref = state.next_ref(kind)
    content = content_for(event.order, kind, rules)
    email = rules.email and not rules.draft
    issue = IssueDocument(ref, content, rules.draft, email, follows)
    state = state.with_document(OrderDocument(ref, rules.draft, follows=follows))
    state, stock = _restock(state, rules, ref, event.order, catalog, ref, "order")
    note = f"{'draft ' if rules.draft else ''}{kind.value} issued"
    return Decision(state, (*before, issue, *stock), Result.ISSUED, note)


def _cancel(state: OrderState, rules: OrderRules, event: StatusReported) -> Decision:
    if rules.cancel_action is CancelAction.NONE:
        return Decision(state, (), Result.IGNORED, "cancellation action is none: nothing reversed")
    actions: list[Action] = []
    booked: list[tuple[DocumentRef, str]] = []
    invoice = state.live(INVOICE)
    if invoice is not None and not invoice.draft:
        storno = DocumentRef(STORNO, invoice.ref.generation)
        actions += [
            IssueStorno(storno, invoice.ref, event.status_id, rules.email),
            MarkDocument(invoice.ref, DocumentStatus.STORNOED),
        ]
        state = state.marked(invoice.ref, DocumentStatus.STORNOED)
        state = state.with_document(OrderDocument(storno, draft=False))
        booked.append((storno, "storno"))
    for kind in (INVOICE, PROFORMA):  # what is still live: a draft invoice, a proforma
        if (document := state.live(kind)) is not None:
            actions.append(MarkDocument(document.ref, DocumentStatus.VOIDED))
            state = state.marked(document.ref, DocumentStatus.VOIDED)
            booked.append((document.ref, "void"))
    if not actions:
        return Decision(state, (), Result.UNCHANGED, "nothing live to cancel")
    state, stock = _restock(state, rules, None, None, {}, *booked[0])
    return Decision(state, (*actions, *stock), Result.CANCELLED, _cancel_note(actions))


def _cancel_note(actions: list[Action]) -> str:
    done = [f"{a.ref.kind.value} {a.status.value}" for a in actions if isinstance(a, MarkDocument)]
    return "cancelled: " + ", ".join(done)


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


def _restock(
    state: OrderState,
    rules: OrderRules,
    issued: DocumentRef | None,
    order: Order | None,
    catalog: Catalog,
    book_on: DocumentRef,
    reason: str,
) -> tuple[OrderState, tuple[Action, ...]]:
    """Move the stock so that the order holds exactly the lines of its stock document."""
    holder = _stock_holder(state, rules)
    held = state.held()
    misses: tuple[Action, ...] = ()
    if holder is None:
        target: dict[StockKey, Decimal] = {}
    elif rules.stock is None or holder.ref != issued or order is None:
        return state, ()
    else:
        target, missing = _stock_lines(order, rules.stock.warehouse_id, catalog)
        misses = tuple(RecordSkuMiss(holder.ref, sku) for sku in missing)
    moves = tuple(
        MoveStock(book_on, key, held.get(key, Decimal(0)) - target.get(key, Decimal(0)), reason)
        for key in sorted(held.keys() | target.keys())
        if held.get(key, Decimal(0)) != target.get(key, Decimal(0))
    )
    return state.holding(target), (*misses, *moves)


def _stock_holder(state: OrderState, rules: OrderRules) -> OrderDocument | None:
    """The live document whose lines the order's stock follows."""
    kinds = rules.stock_document_kinds() if rules.stock is not None else (INVOICE, PROFORMA)
    return next((d for k in kinds if (d := state.live(k)) is not None), None)


def _stock_lines(
    order: Order, warehouse_id: int, catalog: Catalog
) -> tuple[dict[StockKey, Decimal], tuple[str, ...]]:
    """Quantities by product for the order's lines with a known SKU; the unknown SKUs."""
    target: dict[StockKey, Decimal] = {}
    missing: list[str] = []
    for item in order.items:
        product_id = catalog.get(item.sku) if item.sku else None
        if product_id is None:
            missing.append(item.sku or "(no SKU)")
            continue
        key = StockKey(warehouse_id, product_id, item.sku)
        target[key] = target.get(key, Decimal(0)) + item.quantity
    return target, tuple(missing)
