"""The NAV reporter's rules with fakes: batching, order, states, lost answers, restarts, resend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shopsync.domain.nav_report_rules import ReportState, Timing, outcome, within_request_size
from shopsync.domain.nav_reporting import ProcessingResult, ValidationMessage
from shopsync.service_layer.nav_reporter import (
    IssuedDocument,
    NavReporter,
    NavResendRefused,
    resend,
)
from tests.nav_report_fakes import FakeInvoices, FakeReportStore, JudgingNav

ACCOUNT = 7
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def reporter(
    store: FakeReportStore, clock: Clock, invoices: FakeInvoices | None = None
) -> NavReporter:
    timing = Timing(settle_s=300, poll_first_s=2, poll_cap_s=60, answer_s=5)
    return NavReporter(store, invoices or FakeInvoices(), timing, clock)


def issued(document_id: int, kind: str = "invoice", draft: bool = False) -> IssuedDocument:
    number = None if draft else f"INV-{document_id:05d}"
    return IssuedDocument(document_id, ACCOUNT, kind, draft, number, T0)


async def run_until_idle(nav_reporter: NavReporter, nav: JudgingNav, clock: Clock) -> None:
    for _ in range(100):
        step = await nav_reporter.step(ACCOUNT, nav)
        if step.kind == "idle":
            return
        clock.later(61)
    raise AssertionError("the account never became idle")


async def test_an_account_s_first_100_documents_go_in_one_request_the_rest_once_nav_finished() -> (
    None
):
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav()
    nav_reporter = reporter(store, clock)
    for document_id in range(1, 151):
        await nav_reporter.issued(issued(document_id))
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "sent"
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "waiting"  # nothing more meanwhile
    await run_until_idle(nav_reporter, nav, clock)
    assert [len(request) for request in nav.sent] == [100, 50]
    assert all(store.state(i) is ReportState.DONE for i in range(1, 151))
    assert set(nav.creates.values()) == {1}


async def test_a_storno_waits_for_its_invoice_s_done_even_when_both_are_pending_together() -> None:
    store, clock, nav = FakeReportStore(invoices={2: 1}), Clock(), JudgingNav()
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await nav_reporter.issued(issued(2, "storno"))
    await run_until_idle(nav_reporter, nav, clock)
    assert [[op.operation for op in request] for request in nav.sent] == [["CREATE"], ["STORNO"]]
    assert store.state(2) is ReportState.DONE


async def test_a_storno_of_an_aborted_invoice_is_not_sent_until_the_invoice_is_done() -> None:
    store, clock = FakeReportStore(invoices={2: 1}), Clock()
    nav = JudgingNav(aborted={"INV-00001": "INVALID_VAT_DATA"})
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await nav_reporter.issued(issued(2, "storno"))
    await run_until_idle(nav_reporter, nav, clock)
    assert store.state(1) is ReportState.ABORTED and store.state(2) is ReportState.PENDING
    assert len(nav.sent) == 1


async def test_proformas_and_drafts_are_not_reported_and_a_redelivered_event_keeps_one_report() -> (
    None
):
    store, clock = FakeReportStore(), Clock()
    nav_reporter = reporter(store, clock)
    assert not await nav_reporter.issued(issued(1, "proforma"))
    assert not await nav_reporter.issued(issued(2, draft=True))
    assert await nav_reporter.issued(issued(3))
    assert not await nav_reporter.issued(issued(3))
    assert list(store.reports) == [3]


async def test_a_lost_answer_is_asked_about_after_nav_settles_and_never_sent_twice() -> None:
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav(lose_answers=1)
    nav_reporter = reporter(store, clock)
    for document_id in (1, 2):
        await nav_reporter.issued(issued(document_id))
    await run_until_idle(nav_reporter, nav, clock)
    assert nav.creates == {"INV-00001": 1, "INV-00002": 1}
    assert store.state(1) is ReportState.DONE
    assert store.messages[1][0].error_code == "FOUND_AT_NAV"


async def test_a_reporter_killed_after_marking_sent_asks_nav_and_sends_only_what_it_lacks() -> None:
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav()
    nav_reporter = reporter(store, clock)
    for document_id in (1, 2):
        await nav_reporter.issued(issued(document_id))
    await store.claim([1, 2], T0 + timedelta(seconds=300))  # then killed: 1 reached NAV, 2 not
    nav.creates["INV-00001"] = 1
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "waiting"  # NAV may still save it
    clock.later(301)
    await run_until_idle(nav_reporter, nav, clock)
    assert nav.creates == {"INV-00001": 1, "INV-00002": 1}
    assert [[op.number for op in request] for request in nav.sent] == [["INV-00002"]]
    assert store.state(1) is ReportState.DONE and store.state(2) is ReportState.DONE


async def test_a_transaction_still_processing_is_polled_again_after_a_pause_not_at_once() -> None:
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav(processing_polls=2)
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await nav_reporter.step(ACCOUNT, nav)
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "waiting"
    assert nav.polls == 0
    clock.later(2)
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "followed"
    assert (await nav_reporter.step(ACCOUNT, nav)).kind == "waiting"
    assert nav.polls == 1 and store.state(1) is ReportState.SENT


async def test_an_aborted_document_keeps_nav_s_code_and_a_resend_sends_it_anew() -> None:
    store, clock = FakeReportStore(), Clock()
    nav = JudgingNav(aborted={"INV-00001": "SUPPLIER_TAX_NUMBER_MISMATCH"})
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await run_until_idle(nav_reporter, nav, clock)
    assert store.state(1) is ReportState.ABORTED
    assert store.messages[1][0].error_code == "SUPPLIER_TAX_NUMBER_MISMATCH"
    nav.aborted.clear()  # the cause fixed
    assert await resend(store, 1) is ReportState.PENDING
    await run_until_idle(nav_reporter, nav, clock)
    assert store.state(1) is ReportState.DONE
    assert len(nav.sent) == 2


async def test_a_resend_of_a_document_nav_holds_is_refused() -> None:
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav()
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await run_until_idle(nav_reporter, nav, clock)
    with pytest.raises(NavResendRefused, match="done"):
        await resend(store, 1)
    with pytest.raises(NavResendRefused, match="no NAV report"):
        await resend(store, 99)


async def test_a_document_without_invoice_data_is_aborted_with_the_reason_and_the_others_go() -> (
    None
):
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav()
    invoices = FakeInvoices(refused={1: "document 1: no supplier tax number"})
    nav_reporter = reporter(store, clock, invoices)
    for document_id in (1, 2):
        await nav_reporter.issued(issued(document_id))
    await run_until_idle(nav_reporter, nav, clock)
    assert store.state(1) is ReportState.ABORTED and store.state(2) is ReportState.DONE
    assert store.messages[1][0].error_code == "EXPORT_REFUSED"
    assert "no supplier tax number" in store.messages[1][0].message


async def test_a_poll_nav_does_not_answer_is_tried_again_later() -> None:
    store, clock, nav = FakeReportStore(), Clock(), JudgingNav(failing_polls=1)
    nav_reporter = reporter(store, clock)
    await nav_reporter.issued(issued(1))
    await run_until_idle(nav_reporter, nav, clock)
    assert store.state(1) is ReportState.DONE and nav.polls == 2


def test_nav_s_warnings_make_done_with_warnings_and_unfinished_results_change_nothing() -> None:
    warn = ValidationMessage("business", "WARN", "INCORRECT_SUMMARY_DATA", "")
    assert outcome(ProcessingResult(1, "DONE", (warn,))) is ReportState.DONE_WITH_WARNINGS
    assert outcome(ProcessingResult(1, "DONE")) is ReportState.DONE
    assert outcome(ProcessingResult(1, "PROCESSING")) is None
    assert outcome(None) is None


def test_a_request_takes_invoices_up_to_nav_s_body_limit_and_always_at_least_one() -> None:
    assert within_request_size([4, 4, 4], limit=10) == 2
    assert within_request_size([40, 4], limit=10) == 1
    assert within_request_size([], limit=10) == 0
