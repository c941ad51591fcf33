"""The order processor's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shopsync.adapters.metric_set import Metric, build

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ProcessorMetrics:
    events: Annotated[
        Counter, Metric("shopsync_order_events_total", "Order events handled by result", ["result"])
    ]
    documents: Annotated[
        Counter,
        Metric("shopsync_documents_total", "Documents by kind and outcome", ["kind", "outcome"]),
    ]
    processing_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_order_processing_seconds",
            "Time to handle one batch of order events (one transaction)",
            buckets=BUCKETS,
        ),
    ]
    dead_letters: Annotated[
        Counter,
        Metric(
            "shopsync_order_dead_letters_total",
            "Order events given up, kept as dead letters (database and topic)",
        ),
    ]
    held: Annotated[
        Counter,
        Metric(
            "shopsync_orders_held_total",
            "Order events held for review, by the field at fault (totalGross: the lines did "
            "not add up to the shop's total beyond rounding)",
            ["field"],
        ),
    ]
    skus_not_found: Annotated[
        Counter,
        Metric(
            "shopsync_skus_not_found_total",
            "Order lines whose SKU matched no product (no stock moved)",
        ),
    ]
    event_age_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_order_event_age_seconds",
            "From the webhook's arrival at the gateway to the committed document",
            buckets=BUCKETS,
        ),
    ]
    outage_retries: Annotated[
        Counter,
        Metric(
            "shopsync_order_outage_retries_total",
            "Batches tried again because the database could not be reached or used",
        ),
    ]
    consumer_lag: Annotated[
        Gauge,
        Metric(
            "shopsync_order_consumer_lag",
            "Order events on the topic not yet handled by this worker, per partition",
            ["partition"],
        ),
    ]


def processor_metrics(registry: CollectorRegistry) -> ProcessorMetrics:
    return build(ProcessorMetrics, registry)


@dataclass(frozen=True)
class WaitingMetrics:
    """What waits for an operator, counted from the database (services/order_processor/waiting.py);
    every order processor exports the same figures."""

    dead_letters: Annotated[
        Gauge,
        Metric(
            "shopsync_dead_letters_waiting",
            "Dead letters not yet replayed, by the consumer that gave them up",
            ["consumer"],
        ),
    ]
    held_orders: Annotated[
        Gauge,
        Metric(
            "shopsync_orders_held_waiting",
            "Orders held for review and not yet released, by the field at fault",
            ["field"],
        ),
    ]


def waiting_metrics(registry: CollectorRegistry) -> WaitingMetrics:
    return build(WaitingMetrics, registry)


@dataclass(frozen=True)
class RelayMetrics:
    """The outbox relay's own (a process of its own, with its own registry)."""

    relayed: Annotated[
        Counter, Metric("shopsync_outbox_relayed_total", "Outbox messages relayed to Kafka")
    ]
    failures: Annotated[
        Counter,
        Metric(
            "shopsync_outbox_relay_failures_total",
            "Relay rounds that failed (database or broker away)",
        ),
    ]
    backlog: Annotated[Gauge, Metric("shopsync_outbox_unsent", "Outbox messages not yet relayed")]


@dataclass(frozen=True)
class MailerMetrics:
    """The document mailer's own (a process of its own, with its own registry)."""

    emails: Annotated[
        Counter, Metric("shopsync_document_emails_total", "Document e-mails by result", ["result"])
    ]
