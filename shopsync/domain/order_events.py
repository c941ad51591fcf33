"""What can happen to an order, as the lifecycle hears it: a status report, a finalize command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopsync.domain.order_state import DocumentRef
from shopsync.domain.orders import Order


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
