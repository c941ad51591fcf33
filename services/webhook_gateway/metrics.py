"""The gateway's Prometheus metrics, registered on the registry bootstrap hands in."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from shopsync.adapters.metric_set import MetricSet

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
    m = MetricSet(registry)
    return GatewayMetrics(
        requests=m.counter(
            "shopsync_gateway_requests_total", "Webhook requests by outcome", ["outcome"]
        ),
        rejections=m.counter(
            "shopsync_gateway_rejections_total", "Rejected webhooks by reason", ["reason"]
        ),
        events_published=m.counter(
            "shopsync_gateway_events_published_total", "Order events acknowledged by the broker"
        ),
        request_seconds=m.histogram(
            "shopsync_gateway_request_seconds", "Webhook request latency", LATENCY_BUCKETS
        ),
        ack_seconds=m.histogram(
            "shopsync_gateway_broker_ack_seconds",
            "Time from produce to broker acknowledgement",
            LATENCY_BUCKETS,
        ),
        in_flight=m.gauge("shopsync_gateway_in_flight_requests", "Webhook requests being handled"),
        queue_depth=m.gauge(
            "shopsync_gateway_producer_queue_depth",
            "Messages waiting in the producer's local queue",
        ),
        broker_up=m.gauge("shopsync_gateway_broker_up", "1 while the broker answers"),
    )
