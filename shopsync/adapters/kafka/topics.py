"""Every topic ShopSync uses, with its intended partition count."""

from __future__ import annotations

from dataclasses import dataclass

ORDER_EVENTS = "shopsync.order-events.v1"
DOCUMENTS_ISSUED = "shopsync.documents-issued.v1"
DOCUMENTS_VOIDED = "shopsync.documents-voided.v1"
STOCK_MOVEMENTS = "shopsync.stock-movements.v1"
CATALOG_CHANGES = "shopsync.catalog-changes.v1"
SYNC_TICKS = "shopsync.sync-ticks.v1"
DLQ_ORDER_PROCESSOR = "shopsync.dlq.order-processor.v1"
DLQ_CATALOG_SYNC = "shopsync.dlq.catalog-sync.v1"
DLQ_STOCK_SYNC = "shopsync.dlq.stock-sync.v1"
DLQ_NAV_REPORTER = "shopsync.dlq.nav-reporter.v1"

DLQ_BY_CONSUMER = {
    "order-processor": DLQ_ORDER_PROCESSOR,
    "catalog-sync": DLQ_CATALOG_SYNC,
    "stock-sync": DLQ_STOCK_SYNC,
    "nav-reporter": DLQ_NAV_REPORTER,
}


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int


DAY_MS = 24 * 3600 * 1000


def topic_specs(partitions: int) -> list[TopicSpec]:
    """Topics and partitions: keyed work topics scale with `partitions`, DLQs stay small."""
    return [
        TopicSpec(ORDER_EVENTS, partitions, 7 * DAY_MS),
        TopicSpec(DOCUMENTS_ISSUED, partitions, 7 * DAY_MS),
        TopicSpec(DOCUMENTS_VOIDED, partitions, 7 * DAY_MS),
        TopicSpec(STOCK_MOVEMENTS, partitions, 7 * DAY_MS),
        TopicSpec(CATALOG_CHANGES, partitions, 7 * DAY_MS),
        TopicSpec(SYNC_TICKS, partitions, DAY_MS),
        TopicSpec(DLQ_ORDER_PROCESSOR, 1, 30 * DAY_MS),
        TopicSpec(DLQ_CATALOG_SYNC, 1, 30 * DAY_MS),
        TopicSpec(DLQ_STOCK_SYNC, 1, 30 * DAY_MS),
        TopicSpec(DLQ_NAV_REPORTER, 1, 30 * DAY_MS),
    ]
