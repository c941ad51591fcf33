"""The gateway's events are built where the reconciliation poll builds them too."""

from __future__ import annotations

from shopsync.adapters.kafka.order_events import event_key, order_event

__all__ = ["event_key", "order_event"]
