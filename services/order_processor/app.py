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
from shopsync.adapters.health import Readiness, broker_probe, database_probe
from shopsync.adapters.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.adapters.kafka.topics import DLQ_ORDER_PROCESSOR, ORDER_EVENTS
from shopsync.adapters.resources import WorkerResources
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.settings import Settings

APP_ID = "shopsync-order-processor"


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the agent (concurrency=1: offsets never pass an unfinished event)."""
    app = create_faust_app(APP_ID, settings, settings.order_processor_port)
    resources = WorkerResources(settings, registry)
    app.add_dependency(resources)  # first child: started before the agent, stopped after
    sessions, registry = resources.sessions, resources.registry
    metrics = processor_metrics(registry)
    # Dead letters go out through librdkafka (C), like everything ShopSync produces.
    send = resources.producer.send

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
