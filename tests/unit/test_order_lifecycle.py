"""The order lifecycle's rules, decided without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import (
    IssueDocument,
    IssueStorno,
    MarkDocument,
    MoveStock,
    RecordSkuMiss,
    Result,
)
from shopsync.domain.order_lifecycle import FinalizeRequested, StatusReported, decide
from shopsync.domain.order_rules import OrderRules, StockOn, StockRule, intake_problem
from shopsync.domain.order_state import DocumentRef, DocumentStatus, OrderState, StockKey
from shopsync.domain.orders import OrderItem
from tests.support import make_order

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
CATALOG = {"A": 1, "B": 2}
DEMO = OrderRules(
    intake=True,
    auto_accept=True,
    status_kinds={"1": DocumentKind.PROFORMA, "6": DocumentKind.INVOICE},
    cancel_statuses=frozenset({"7"}),
    stock=StockRule(warehouse_id=9),
)
ORDER = make_order(
    [
        OrderItem("Alma", "A", Decimal(100), Decimal(27), Decimal(2)),
        OrderItem("Béka", "B", Decimal(50), Decimal(5), Decimal(1)),
        OrderItem("Cica", "C", Decimal(10), Decimal(27), Decimal(4)),
    ]
)


def report(status: str, minutes: int = 0) -> StatusReported:
    return StatusReported(status, T0 + timedelta(minutes=minutes), ORDER)


def run(rules: OrderRules, *events: StatusReported) -> tuple[OrderState, list[object]]:
    state, actions = OrderState(), list[object]()
    for event in events:
        decision = decide(state, rules, event, CATALOG)
        state = decision.state
        actions += decision.actions
    return state, actions


def moved(actions: list[object]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for a in actions:
        if isinstance(a, MoveStock):
            total[a.key.sku] = total.get(a.key.sku, Decimal(0)) + a.quantity
    return {sku: q for sku, q in total.items() if q}


def test_a_new_connection_decides_nothing_at_all() -> None:
    decision = decide(OrderState(), OrderRules(), report("1"), CATALOG)
    assert (decision.result, decision.actions) == (Result.IGNORED, ())
    assert decision.state == OrderState()


def test_auto_accept_needs_the_cancellation_statuses_first() -> None:
    assert intake_problem(True, []) is not None
    assert intake_problem(True, ["7"]) is None and intake_problem(False, []) is None


def test_a_proforma_then_an_invoice_move_the_stock_once_and_the_invoice_names_the_proforma() -> (
    None
):
    state, actions = run(DEMO, report("1", 0), report("6", 10))
    assert moved(actions) == {"A": Decimal(-2), "B": Decimal(-1)}
    invoice = next(a for a in actions if isinstance(a, IssueDocument) and a.ref.kind == "invoice")
    assert invoice.follows == DocumentRef(DocumentKind.PROFORMA, 1)
    assert state.document(DocumentRef(DocumentKind.PROFORMA, 1)).status is DocumentStatus.SETTLED  # type: ignore[union-attr]


def test_with_first_document_the_proforma_moves_the_stock_and_the_invoice_nothing_more() -> None:
    rules = replace(DEMO, stock=StockRule(9, StockOn.FIRST_DOCUMENT))
    _, after_proforma = run(rules, report("1", 0))
    _, both = run(rules, report("1", 0), report("6", 10))
    assert moved(after_proforma) == moved(both) == {"A": Decimal(-2), "B": Decimal(-1)}


def test_an_unknown_sku_moves_nothing_and_is_recorded_with_its_document() -> None:
    _, actions = run(DEMO, report("6"))
    misses = [a for a in actions if isinstance(a, RecordSkuMiss)]
    assert [(m.document, m.sku) for m in misses] == [(DocumentRef(DocumentKind.INVOICE, 1), "C")]


def test_a_cancellation_stornos_the_invoice_and_returns_exactly_what_the_order_moved() -> None:
    state, actions = run(DEMO, report("1", 0), report("6", 10), report("7", 20))
    assert moved(actions) == {}
    storno = next(a for a in actions if isinstance(a, IssueStorno))
    assert storno.original == DocumentRef(DocumentKind.INVOICE, 1)
    returns = [a for a in actions if isinstance(a, MoveStock) and a.quantity > 0]
    assert {a.document for a in returns} == {storno.ref} and state.stock == ()


def test_a_cancelled_draft_is_voided_and_can_no_longer_be_finalized() -> None:
    rules = replace(DEMO, draft=True)
    state, actions = run(rules, report("6", 0), report("7", 10))
    draft = DocumentRef(DocumentKind.INVOICE, 1)
    assert MarkDocument(draft, DocumentStatus.VOIDED) in actions
    assert not any(isinstance(a, IssueStorno) for a in actions)
    refused = decide(state, rules, FinalizeRequested(draft, T0))
    assert refused.result is Result.REFUSED and "voided" in refused.note


def test_a_live_proforma_is_voided_on_cancellation_without_a_storno() -> None:
    _, actions = run(DEMO, report("1", 0), report("7", 10))
    assert MarkDocument(DocumentRef(DocumentKind.PROFORMA, 1), DocumentStatus.VOIDED) in actions
    assert not any(isinstance(a, IssueStorno) for a in actions)


def test_a_paid_webhook_before_its_pending_one_gives_an_invoice_and_no_proforma() -> None:
    state, actions = run(DEMO, report("6", 10), report("1", 0))
    kinds = [a.ref.kind for a in actions if isinstance(a, IssueDocument)]
    assert kinds == [DocumentKind.INVOICE]
    assert state.history[-1].result == "stale"
    untimed = replace(report("1"), status_at=None)  # no time to go by: the live invoice rules
    assert decide(state, DEMO, untimed, CATALOG).result is Result.UNCHANGED


def test_an_order_reactivated_after_its_storno_gets_a_new_invoice_generation() -> None:
    state, actions = run(DEMO, report("6", 0), report("7", 10), report("6", 20))
    invoices = [a.ref for a in actions if isinstance(a, IssueDocument)]
    assert invoices == [DocumentRef(DocumentKind.INVOICE, 1), DocumentRef(DocumentKind.INVOICE, 2)]
    assert state.held() == {StockKey(9, 1, "A"): Decimal(2), StockKey(9, 2, "B"): Decimal(1)}


def test_cancelling_an_order_with_nothing_live_changes_nothing_and_says_so() -> None:
    decision = decide(OrderState(), DEMO, report("7"), CATALOG)
    assert (decision.result, decision.actions) == (Result.UNCHANGED, ())
    assert decision.note == "nothing live to cancel"


def test_a_status_without_a_rule_is_remembered_but_issues_nothing() -> None:
    decision = decide(OrderState(), DEMO, report("3"), CATALOG)
    assert decision.result is Result.IGNORED and decision.state.last_status_id == "3"


def test_the_status_set_by_write_back_never_issues_a_document_even_as_a_default_kind() -> None:
    rules = replace(DEMO, other_statuses=DocumentKind.INVOICE, writeback_status="9")
    state, _ = run(rules, report("6"))
    decision = decide(state, rules, report("9", minutes=1), CATALOG)
    assert decision.result is Result.IGNORED and decision.actions == ()
    assert "writing the invoice back" in decision.note
    first = decide(OrderState(), rules, report("9"), CATALOG)  # seen first, by a poll say
    assert first.result is Result.IGNORED and first.actions == ()


def test_a_write_back_status_that_asks_for_a_document_or_cancels_is_refused() -> None:
    from shopsync.domain.order_rules import writeback_status_problem

    kinds = {"6": DocumentKind.INVOICE}
    assert writeback_status_problem("6", kinds, ["7"]) is not None
    assert writeback_status_problem("7", kinds, ["7"]) is not None
    assert writeback_status_problem("9", kinds, ["7"]) is None
    assert writeback_status_problem(None, kinds, ["7"]) is None
