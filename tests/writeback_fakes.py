"""In-memory twins of the write-back ports (kept apart from tests/fakes.py while that file is
being edited by others; they belong with its fakes)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from shopsync.domain.document_writeback import LEASE, InvoiceRow, WritebackJob, WritebackState


@dataclass
class FakeWritebackStore:
    """Write-back jobs in a dict, with the next attempt's time of each; claims as the table's."""

    jobs: dict[int, WritebackJob] = field(default_factory=dict)
    next_at: dict[int, datetime | None] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    async def record(self, job: WritebackJob, now: datetime) -> None:
        if job.document_id not in self.jobs:
            self.jobs[job.document_id], self.next_at[job.document_id] = job, now

    async def withdraw(self, document_id: int, now: datetime) -> bool:
        job = self.jobs.get(document_id)
        if job is None or job.state is WritebackState.WITHDRAWN:
            return False
        self._put(replace(job, withdraw=True, state=WritebackState.PENDING), now)
        return True

    async def due(self, connection_id: int, now: datetime, limit: int = 50) -> list[int]:
        return [
            d
            for d, job in self.jobs.items()
            if job.connection_id == connection_id and self._due(d, now)
        ][:limit]

    async def claim(self, document_id: int, now: datetime) -> WritebackJob | None:
        if not self._due(document_id, now):
            return None
        job = self.jobs[document_id]
        self._put(replace(job, attempts=job.attempts + 1), now + LEASE)
        return self.jobs[document_id]

    async def row_written(self, document_id: int, row_id: str) -> None:
        self.jobs[document_id] = replace(self.jobs[document_id], row_id=row_id)

    async def finished(self, document_id: int, state: WritebackState, status_set: bool) -> None:
        job = replace(self.jobs[document_id], state=state, status_set=status_set)
        self._put(job, None)

    async def failed(self, document_id: int, error: str, next_at: datetime) -> None:
        self._put(replace(self.jobs[document_id], state=WritebackState.FAILED), next_at)
        self.errors[document_id] = error

    def _put(self, job: WritebackJob, next_at: datetime | None) -> None:
        self.jobs[job.document_id], self.next_at[job.document_id] = job, next_at

    def _due(self, document_id: int, now: datetime) -> bool:
        job, at = self.jobs[document_id], self.next_at[document_id]
        open_ = job.state in (WritebackState.PENDING, WritebackState.FAILED)
        return open_ and at is not None and at <= now


@dataclass
class FakeShopOrderInvoices:
    """A shop's orderInvoices rows; `fail_next` refuses that many calls, `lose_next` applies
    that many creates and then fails as a lost answer would."""

    rows: dict[str, InvoiceRow] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)  # order → status set
    fail_next: int = 0
    lose_next: int = 0
    creates: int = 0

    async def create(self, row: InvoiceRow) -> str:
        self._maybe_fail()
        self.creates += 1
        row_id = f"row-{self.creates}"
        self.rows[row_id] = row
        if self.lose_next:
            self.lose_next -= 1
            raise TimeoutError("the answer was lost")
        return row_id

    async def find(self, row: InvoiceRow) -> str | None:
        self._maybe_fail()
        wanted = (row.order_ref, row.number)
        return next((i for i, r in self.rows.items() if (r.order_ref, r.number) == wanted), None)

    async def delete(self, row_id: str) -> None:
        self._maybe_fail()
        self.rows.pop(row_id, None)

    async def set_status(self, order_ref: str, status_id: str) -> None:
        self._maybe_fail()
        self.statuses[order_ref] = status_id

    def _maybe_fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("the shop is unreachable")
