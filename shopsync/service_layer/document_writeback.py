"""The use case "a document reaches its Shoprenter order": a row in the shop's orderInvoices
(and optionally a new order status), exactly once per document, retried with backoff."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shopsync.domain.document_writeback import (
    WritebackJob,
    WritebackState,
    invoice_row,
    next_attempt,
    wants_status,
    written_back,
)
from shopsync.service_layer.ports import ShopOrderInvoices, WritebackStore

BATCH = 50


@dataclass(frozen=True)
class WritebackTarget:
    """A connection's write-back besides its shop: each document's PDF link, the status set."""

    link: Callable[[int], str]  # document id → the signed PDF URL
    status_id: str | None = None


@dataclass(frozen=True)
class IssuedDocument:
    """What the documents-issued event says of a document, as the write-back needs it."""

    document_id: int
    connection_id: int
    order_ref: str
    kind: str
    draft: bool
    number: str | None


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class DocumentWriteback:
    """Records documents to write back, and carries out a connection's due ones."""

    store: WritebackStore
    clock: Callable[[], datetime] = field(default=_now)

    async def issued(self, document: IssuedDocument) -> bool:
        """Record a final document's write-back (a draft waits for its number); False: none."""
        if not written_back(document.kind, document.draft, document.number):
            return False
        await self.store.record(_job(document), self.clock())
        return True

    async def voided(self, document_id: int) -> bool:
        """A voided document's row leaves the shop; False when it was never written back."""
        return await self.store.withdraw(document_id, self.clock())

    async def run(
        self, connection_id: int, shop: ShopOrderInvoices, target: WritebackTarget
    ) -> Counter[str]:
        """Every due write-back of the connection, once each: outcomes counted."""
        outcomes: Counter[str] = Counter()
        while due := await self.store.due(connection_id, self.clock(), BATCH):
            for document_id in due:
                outcome = await self._one(document_id, shop, target)
                outcomes.update([outcome] if outcome else [])
            if len(due) < BATCH:
                break
        return outcomes

    async def _one(
        self, document_id: int, shop: ShopOrderInvoices, target: WritebackTarget
    ) -> str | None:
        """One attempt, claimed first; a failure is kept with its reason and a later retry."""
        job = await self.store.claim(document_id, self.clock())
        if job is None:
            return None
        try:
            return (await self._carry_out(job, shop, target)).value
        except Exception as exc:  # any failure of this document: the next attempt tries again
            retry_at = next_attempt(job.attempts, self.clock())
            await self.store.failed(document_id, _reason(exc), retry_at)
            return WritebackState.FAILED.value

    async def _carry_out(
        self, job: WritebackJob, shop: ShopOrderInvoices, target: WritebackTarget
    ) -> WritebackState:
        if job.withdraw:
            await self._withdraw(job, shop, target)
            await self.store.finished(job.document_id, WritebackState.WITHDRAWN, job.status_set)
            return WritebackState.WITHDRAWN
        if job.row_id is None:
            await self._create(job, shop, target)
        status_set = job.status_set
        if target.status_id is not None and wants_status(job, target.status_id):
            await shop.set_status(job.order_ref, target.status_id)
            status_set = True
        await self.store.finished(job.document_id, WritebackState.DONE, status_set)
        return WritebackState.DONE

    async def _create(
        self, job: WritebackJob, shop: ShopOrderInvoices, target: WritebackTarget
    ) -> None:
        """The row, created unless an earlier attempt whose answer was lost made it."""
        row = invoice_row(job, target.link(job.document_id))
        found = await shop.find(row) if job.may_have_landed else None
        await self.store.row_written(job.document_id, found or await shop.create(row))

    async def _withdraw(
        self, job: WritebackJob, shop: ShopOrderInvoices, target: WritebackTarget
    ) -> None:
        row = invoice_row(job, target.link(job.document_id))
        row_id = job.row_id or (await shop.find(row) if job.may_have_landed else None)
        if row_id is not None:
            await shop.delete(row_id)


def _job(document: IssuedDocument) -> WritebackJob:
    assert document.number is not None
    return WritebackJob(
        document.document_id,
        document.connection_id,
        document.order_ref,
        document.kind,
        document.number,
    )


def _reason(exc: Exception) -> str:
    """What the operator reads in `documents show` (Shoprenter errors name no secret)."""
    return str(exc) or type(exc).__name__
