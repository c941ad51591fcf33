"""Submitting to NAV: after a lost answer NAV is asked first, so no invoice is sent twice."""

from __future__ import annotations

import pytest

from shopsync.domain.nav_errors import NavNoAnswer
from shopsync.domain.nav_reporting import (
    InvoiceOperation,
    ProcessingResult,
    TransactionStatus,
    ValidationMessage,
)
from shopsync.service_layer.nav_submission import numbers_at_nav, submit_once, wait_until_finished
from tests.fakes import FakeNav


def invoices(*numbers: str) -> list[InvoiceOperation]:
    return [InvoiceOperation("CREATE", number, f"<{number}/>".encode()) for number in numbers]


class Pauses:
    def __init__(self) -> None:
        self.taken: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


async def test_an_answered_submission_is_one_transaction_and_asks_nothing() -> None:
    nav = FakeNav()

    submission = await submit_once(nav, invoices("A1", "A2"), sleep=Pauses())

    assert submission.transaction_id == "T1"
    assert [op.number for op in submission.sent] == ["A1", "A2"]
    assert nav.checked == []


async def test_a_lost_answer_of_a_saved_request_sends_nothing_again() -> None:
    nav, pauses = FakeNav(lose_answers=1), Pauses()

    submission = await submit_once(nav, invoices("A1", "A2"), settle_s=300, sleep=pauses)

    assert submission.transaction_id is None
    assert submission.already_at_nav == ("A1", "A2")
    assert nav.creates == {"A1": 1, "A2": 1}
    assert pauses.taken == [300]  # NAV is asked only once it had time to settle
    assert nav.checked == ["A1", "A2"]


async def test_a_request_lost_on_the_way_is_sent_again_after_asking() -> None:
    nav = FakeNav(drop_requests=1)

    submission = await submit_once(nav, invoices("A1", "A2"), sleep=Pauses())

    assert submission.transaction_id == "T1"
    assert nav.creates == {"A1": 1, "A2": 1}


async def test_only_the_invoices_nav_lacks_are_resent_indexed_anew() -> None:
    nav = FakeNav(drop_requests=1, creates={"A2": 1})

    submission = await submit_once(nav, invoices("A1", "A2", "A3"), sleep=Pauses())

    assert [op.number for op in submission.sent] == ["A1", "A3"]
    assert submission.already_at_nav == ("A2",)
    assert nav.creates == {"A1": 1, "A2": 1, "A3": 1}


async def test_nav_silent_every_time_gives_up_and_says_so() -> None:
    nav = FakeNav(drop_requests=3)

    with pytest.raises(NavNoAnswer, match="3 submissions"):
        await submit_once(nav, invoices("A1"), attempts=3, sleep=Pauses())
    assert nav.creates == {}
    assert nav.checked == ["A1", "A1", "A1"]


async def test_a_known_transaction_tells_which_invoices_may_be_sent_again() -> None:
    class Answering(FakeNav):
        async def status(self, transaction_id: str) -> TransactionStatus:
            duplicate = ValidationMessage("business", "ERROR", "INVOICE_NUMBER_NOT_UNIQUE")
            wrong = ValidationMessage("business", "ERROR", "INVALID_INVOICE_REFERENCE")
            return TransactionStatus(
                transaction_id,
                (
                    ProcessingResult(1, "DONE"),
                    ProcessingResult(2, "ABORTED", (wrong,)),
                    ProcessingResult(3, "ABORTED", (duplicate,)),
                    ProcessingResult(4, "PROCESSING"),
                ),
            )

    had = await numbers_at_nav(Answering(), invoices("A1", "A2", "A3", "A4"), "T9")

    assert had == {"A1", "A3", "A4"}


async def test_a_transaction_nav_does_not_show_yet_counts_as_having_everything() -> None:
    class Silent(FakeNav):
        async def status(self, transaction_id: str) -> TransactionStatus:
            return TransactionStatus(transaction_id, ())

    assert await numbers_at_nav(Silent(), invoices("A1", "A2"), "T9") == {"A1", "A2"}


async def test_waiting_for_a_transaction_stops_once_every_index_is_final() -> None:
    nav, pauses = FakeNav(), Pauses()
    transaction = await nav.submit(invoices("A1"))

    status = await wait_until_finished(nav, transaction, [1, 5, 15], sleep=pauses)

    assert status.finished and pauses.taken == []
