"""Writing documents back onto their Shoprenter orders, decided without a database or a shop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shopsync.domain.document_writeback import (
    WritebackJob,
    WritebackState,
    invoice_type,
    next_attempt,
    written_back,
)
from shopsync.service_layer.document_writeback import (
    DocumentWriteback,
    IssuedDocument,
    WritebackTarget,
)
from tests.writeback_fakes import FakeShopOrderInvoices, FakeWritebackStore

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
TARGET = WritebackTarget(lambda document_id: f"https://pdf.example/{document_id}.pdf")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def issued(document_id: int, kind: str = "invoice", number: str = "INV-1") -> IssuedDocument:
    return IssuedDocument(document_id, 1, "1042", kind, False, number)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> FakeWritebackStore:
    return FakeWritebackStore()


@pytest.fixture
def writeback(store: FakeWritebackStore, clock: Clock) -> DocumentWriteback:
    return DocumentWriteback(store, clock)


def test_each_document_kind_has_its_own_invoice_type() -> None:
    assert [invoice_type(k) for k in ("invoice", "proforma", "storno")] == [
        "normal",
        "proforma",
        "storno",
    ]


def test_drafts_and_unnumbered_documents_are_not_written_back() -> None:
    assert written_back("invoice", draft=False, number="INV-1")
    assert not written_back("invoice", draft=True, number=None)
    assert not written_back("invoice", draft=False, number=None)


def test_retries_wait_30_seconds_doubling_to_at_most_an_hour() -> None:
    waits = [next_attempt(n, T0) - T0 for n in (1, 2, 3, 10, 50)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert waits[3:] == [timedelta(hours=1), timedelta(hours=1)]


async def test_an_issued_invoice_gets_one_normal_row_with_its_pdf_link(
    writeback: DocumentWriteback, store: FakeWritebackStore
) -> None:
    shop = FakeShopOrderInvoices()
    assert await writeback.issued(issued(5))
    assert await writeback.run(1, shop, TARGET) == {"done": 1}
    [row] = shop.rows.values()
    assert (row.order_ref, row.number, row.invoice_type) == ("1042", "INV-1", "normal")
    assert row.link == "https://pdf.example/5.pdf"
    assert store.jobs[5].state is WritebackState.DONE
    assert await writeback.run(1, shop, TARGET) == {}  # nothing due any more


async def test_a_document_heard_twice_is_written_back_once(writeback: DocumentWriteback) -> None:
    shop = FakeShopOrderInvoices()
    await writeback.issued(issued(5))
    await writeback.run(1, shop, TARGET)
    await writeback.issued(issued(5))  # the event redelivered
    await writeback.run(1, shop, TARGET)
    assert shop.creates == 1


async def test_a_create_whose_answer_was_lost_is_found_not_sent_again(
    writeback: DocumentWriteback, store: FakeWritebackStore, clock: Clock
) -> None:
    shop = FakeShopOrderInvoices(lose_next=1)
    await writeback.issued(issued(5))
    assert await writeback.run(1, shop, TARGET) == {"failed": 1}
    clock.now += timedelta(seconds=31)
    assert await writeback.run(1, shop, TARGET) == {"done": 1}
    assert shop.creates == 1 and len(shop.rows) == 1
    assert store.jobs[5].row_id == "row-1"


async def test_a_failure_is_kept_with_its_reason_and_retried_only_when_due(
    writeback: DocumentWriteback, store: FakeWritebackStore, clock: Clock
) -> None:
    shop = FakeShopOrderInvoices(fail_next=2)
    await writeback.issued(issued(5))
    assert await writeback.run(1, shop, TARGET) == {"failed": 1}
    assert "unreachable" in store.errors[5]
    assert store.next_at[5] == T0 + timedelta(seconds=30)
    assert await writeback.run(1, shop, TARGET) == {}  # not due yet
    clock.now += timedelta(seconds=30)
    assert await writeback.run(1, shop, TARGET) == {"failed": 1}
    assert store.next_at[5] == clock.now + timedelta(seconds=60)
    clock.now += timedelta(seconds=60)
    assert await writeback.run(1, shop, TARGET) == {"done": 1}
    assert len(shop.rows) == 1


async def test_the_status_is_set_after_an_invoice_but_not_after_a_proforma_or_storno(
    writeback: DocumentWriteback,
) -> None:
    shop = FakeShopOrderInvoices()
    target = WritebackTarget(TARGET.link, status_id="9")
    for document_id, kind in ((1, "proforma"), (2, "storno")):
        await writeback.issued(issued(document_id, kind, f"N-{document_id}"))
    await writeback.run(1, shop, target)
    assert shop.statuses == {}
    await writeback.issued(issued(3, "invoice", "INV-3"))
    await writeback.run(1, shop, target)
    assert shop.statuses == {"1042": "9"}


async def test_a_status_that_failed_is_set_on_retry_without_a_second_row(
    writeback: DocumentWriteback, store: FakeWritebackStore, clock: Clock
) -> None:
    shop = FakeShopOrderInvoices()
    target = WritebackTarget(TARGET.link, status_id="9")
    await writeback.issued(issued(5))
    real_set_status = shop.set_status

    async def refused(order_ref: str, status_id: str) -> None:
        raise ConnectionError("status write refused")

    shop.set_status = refused  # type: ignore[method-assign]
    assert await writeback.run(1, shop, target) == {"failed": 1}
    shop.set_status = real_set_status  # type: ignore[method-assign]
    clock.now += timedelta(minutes=1)
    assert await writeback.run(1, shop, target) == {"done": 1}
    assert shop.creates == 1 and shop.statuses == {"1042": "9"}


async def test_a_voided_proforma_leaves_the_shop_and_an_unknown_one_changes_nothing(
    writeback: DocumentWriteback, store: FakeWritebackStore
) -> None:
    shop = FakeShopOrderInvoices()
    await writeback.issued(issued(5, "proforma", "PRO-1"))
    await writeback.run(1, shop, TARGET)
    assert await writeback.voided(5)
    assert await writeback.run(1, shop, TARGET) == {"withdrawn": 1}
    assert shop.rows == {} and store.jobs[5].state is WritebackState.WITHDRAWN
    assert not await writeback.voided(5) and not await writeback.voided(77)


async def test_a_document_voided_before_its_first_attempt_never_reaches_the_shop(
    writeback: DocumentWriteback,
) -> None:
    shop = FakeShopOrderInvoices()
    await writeback.issued(issued(5, "proforma", "PRO-1"))
    await writeback.voided(5)
    assert await writeback.run(1, shop, TARGET) == {"withdrawn": 1}
    assert shop.creates == 0


def test_a_job_tried_before_without_a_row_may_have_landed() -> None:
    job = WritebackJob(5, 1, "1042", "invoice", "INV-1", attempts=1)
    assert not job.may_have_landed  # the attempt under way is the first
    assert WritebackJob(5, 1, "1042", "invoice", "INV-1", attempts=2).may_have_landed
