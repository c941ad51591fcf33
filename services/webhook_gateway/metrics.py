"""The gateway's Prometheus metrics, registered on the registry bootstrap hands in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shopsync.adapters.metric_set import Metric, build

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True)
class GatewayMetrics:
    requests: Annotated[
        Counter,
        Metric("shopsync_gateway_requests_total", "Webhook requests by outcome", ["outcome"]),
    ]
    rejections: Annotated[
        Counter,
        Metric("shopsync_gateway_rejections_total", "Rejected webhooks by reason", ["reason"]),
    ]
    events_published: Annotated[
        Counter,
        Metric(
            "shopsync_gateway_events_published_total", "Order events acknowledged by the broker"
        ),
    ]
    request_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_gateway_request_seconds", "Webhook request latency", buckets=LATENCY_BUCKETS
        ),
    ]
    ack_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_gateway_broker_ack_seconds",
            "Time from produce to broker acknowledgement",
            buckets=LATENCY_BUCKETS,
        ),
    ]
    in_flight: Annotated[
        Gauge, Metric("shopsync_gateway_in_flight_requests", "Webhook requests being handled")
    ]
    queue_depth: Annotated[
        Gauge,
        Metric(
            "shopsync_gateway_producer_queue_depth",
            "Messages waiting in the producer's local queue",
        ),
    ]
    broker_up: Annotated[Gauge, Metric("shopsync_gateway_broker_up", "1 while the broker answers")]
    # Labelled by connection id only after the URL's token matched: one series per connection.
    webhooks: Annotated[
        Counter,
        Metric(
            "shopsync_gateway_webhooks_total",
            "Authenticated webhooks received, by connection id",
            ["connection"],
        ),
    ]
    last_webhook: Annotated[
        Gauge,
        Metric(
            "shopsync_gateway_last_webhook_timestamp_seconds",
            "When the connection's last authenticated webhook arrived (Unix time)",
            ["connection"],
        ),
    ]


def gateway_metrics(registry: CollectorRegistry) -> GatewayMetrics:
    return build(GatewayMetrics, registry)
