"""The gateway's Prometheus metrics, registered on the registry bootstrap hands in."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True)
class GatewayMetrics:
    requests: Counter
    rejections: Counter
    events_published: Counter
    request_seconds: Histogram
    ack_seconds: Histogram
    in_flight: Gauge
    queue_depth: Gauge
    broker_up: Gauge


def gateway_metrics(registry: CollectorRegistry) -> GatewayMetrics:
    return GatewayMetrics(
        requests=Counter(
            "shopsync_gateway_requests_total",
            "Webhook requests by outcome",
            ["outcome"],
            registry=registry,
        ),
        rejections=Counter(
            "shopsync_gateway_rejections_total",
            "Rejected webhooks by reason",
            ["reason"],
            registry=registry,
        ),
        events_published=Counter(
            "shopsync_gateway_events_published_total",
            "Order events acknowledged by the broker",
            registry=registry,
        ),
        request_seconds=Histogram(
            "shopsync_gateway_request_seconds",
            "Webhook request latency",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        ack_seconds=Histogram(
            "shopsync_gateway_broker_ack_seconds",
            "Time from produce to broker acknowledgement",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        in_flight=Gauge(
            "shopsync_gateway_in_flight_requests",
            "Webhook requests being handled",
            registry=registry,
        ),
        queue_depth=Gauge(
            "shopsync_gateway_producer_queue_depth",
            "Messages waiting in the producer's local queue",
            registry=registry,
        ),
        broker_up=Gauge(
            "shopsync_gateway_broker_up", "1 while the broker answers", registry=registry
        ),
    )
