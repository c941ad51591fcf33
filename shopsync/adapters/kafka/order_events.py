"""Turning one order into a versioned OrderReceived event: from a webhook or from a poll.

The gateway and the reconciliation poll build it alike, so both give one status change the
same key and the same event id, and the order processor's inbox takes it once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.orders import order_status
from shopsync.domain.shoprenter_values import text


def order_event(
    connection_id: int,
    account_id: int,
    order: dict[str, Any],
    webhook_format: Literal["json", "xml"],
    received_at: datetime,
) -> OrderReceived:
    """One event per order; its id is stable across repeated webhooks of the same status."""
    order_id = text(order.get("innerId"))
    status = order_status(order)
    return OrderReceived(
        event_id=f"{connection_id}:{order_id}:{status.status_id}:{status.date_added}"[:200],
        connection_id=connection_id,
        account_id=account_id,
        order_id=order_id,
        status_id=status.status_id[:50],
        status_text=status.status_text,
        webhook_format=webhook_format,
        received_at=received_at,
        order=order,
    )


def event_key(event: OrderReceived) -> bytes:
    return f"{event.connection_id}:{event.order_id}".encode()
