"""The order processor's Prometheus metrics."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ProcessorMetrics:
    events: Counter
    documents: Counter
    processing_seconds: Histogram
    dead_letters: Counter
    skus_not_found: Counter
    event_age_seconds: Histogram
    consumer_lag: Gauge
    outage_retries: Counter


def processor_metrics(registry: CollectorRegistry) -> ProcessorMetrics:
    return ProcessorMetrics(
        events=Counter(
            "shopsync_order_events_total",
            "Order events handled by result",
            ["result"],
            registry=registry,
        ),
        documents=Counter(
            "shopsync_documents_total",
            "Documents by kind and outcome",
            ["kind", "outcome"],
            registry=registry,
        ),
        processing_seconds=Histogram(
            "shopsync_order_processing_seconds",
            "Time to handle one batch of order events (one transaction)",
            buckets=BUCKETS,
            registry=registry,
        ),
        dead_letters=Counter(
            "shopsync_order_dead_letters_total",
            "Order events given up, kept as dead letters (database and topic)",
            registry=registry,
        ),
        skus_not_found=Counter(
            "shopsync_skus_not_found_total",
            "Order lines whose SKU matched no product (no stock moved)",
            registry=registry,
        ),
        event_age_seconds=Histogram(
            "shopsync_order_event_age_seconds",
            "From the webhook's arrival at the gateway to the committed document",
            buckets=BUCKETS,
            registry=registry,
        ),
        outage_retries=Counter(
            "shopsync_order_outage_retries_total",
            "Batches tried again because the database could not be reached or used",
            registry=registry,
        ),
        consumer_lag=Gauge(
            "shopsync_order_consumer_lag",
            "Order events on the topic not yet handled by this worker, per partition",
            ["partition"],
            registry=registry,
        ),
    )
