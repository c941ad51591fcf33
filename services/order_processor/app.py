"""The order processor's composition root: a faust app and its agent.

The outbox it writes is relayed by `shopsync outbox-relay`, a process of its own.
"""

from __future__ import annotations

from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.order_processor.consumer import MessageRef, OrderEventConsumer
from services.order_processor.metrics import ProcessorMetrics, processor_metrics
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import Readiness, broker_probe, database_probe
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.producer import LazyProducer
from shopsync.adapters.kafka.topics import DLQ_ORDER_PROCESSOR, ORDER_EVENTS
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.settings import Settings

APP_ID = "shopsync-order-processor"


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the agent (concurrency=1: offsets never pass an unfinished event)."""
    registry = registry or CollectorRegistry()
    app = create_faust_app(APP_ID, settings, settings.order_processor_port)
    metrics = processor_metrics(registry)
    sessions = session_factory(create_engine(settings.resolved_database_url))

    producer = LazyProducer(settings.bootstrap_servers)

    async def send(topic: str, key: bytes, value: bytes) -> None:
        # Dead letters go out through librdkafka (C), like everything ShopSync produces.
        await producer.send(topic, key, value)

    readiness = Readiness(
        {
            "database": database_probe(sessions),
            "broker": broker_probe(settings.bootstrap_servers),
        }
    )
    dead_letters = DeadLetterSink(sessions, send, DLQ_ORDER_PROCESSOR, metrics.dead_letters)
    consumer = OrderEventConsumer(OrderIntake(sessions), metrics, dead_letters, readiness)

    @app.agent(raw_topic(app, ORDER_EVENTS), name="order-events", concurrency=1)
    async def order_events(stream: Any) -> None:
        # Batches: one transaction per up to 500 events; offsets are acked after the batch.
        window_s = settings.order_batch_window_ms / 1000
        async for batch in stream.take_events(settings.order_batch_size, within=window_s):
            await consumer.process_batch(
                [
                    (
                        MessageRef(
                            e.message.topic, e.message.partition, e.message.offset, e.message.key
                        ),
                        e.value,
                    )
                    for e in batch
                ]
            )
            _record_lag(app, metrics, batch)

    add_service_pages(app, registry, readiness)
    return app


def _record_lag(app: faust.App, metrics: ProcessorMetrics, batch: list[Any]) -> None:
    """Highwater (from the last fetch, no request) minus the next offset, per partition."""
    last: dict[Any, int] = {}
    for event in batch:
        tp = event.message.tp
        last[tp] = max(last.get(tp, -1), event.message.offset)
    for tp, offset in last.items():
        try:
            highwater = app.consumer.highwater(tp)
        except AssertionError:  # revoked meanwhile (aiokafka asserts the assignment)
            highwater = None
        if highwater is not None:
            metrics.consumer_lag.labels(partition=str(tp.partition)).set(
                max(highwater - offset - 1, 0)
            )
