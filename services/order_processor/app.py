"""The order processor's composition root: a faust app, its agent and the outbox relay."""

from __future__ import annotations

from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.order_processor.batch import BatchOrderHandler
from services.order_processor.consumer import MessageRef, OrderEventConsumer
from services.order_processor.metrics import processor_metrics
from shopsync.db.engine import create_engine, session_factory
from shopsync.kafka.faust_app import add_service_pages, create_faust_app, raw_topic
from shopsync.kafka.producer import LazyProducer
from shopsync.kafka.topics import ORDER_EVENTS
from shopsync.outbox import OutboxRelay
from shopsync.settings import Settings

APP_ID = "shopsync-order-processor"


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the agent (concurrency=1: offsets never pass an unfinished event) and the relay."""
    registry = registry or CollectorRegistry()
    app = create_faust_app(APP_ID, settings, settings.order_processor_port)
    metrics = processor_metrics(registry)
    sessions = session_factory(create_engine(settings.resolved_database_url))

    producer = LazyProducer(settings.bootstrap_servers)

    async def send(topic: str, key: bytes, value: bytes) -> None:
        # librdkafka (C) rather than faust's pure-Python producer: the relay sends every
        # document and movement event, and must not eat the CPU the orders need.
        await producer.send(topic, key, value)

    consumer = OrderEventConsumer(BatchOrderHandler(sessions), metrics, send)
    relay = OutboxRelay(sessions, send)

    @app.agent(raw_topic(app, ORDER_EVENTS), name="order-events", concurrency=1)
    async def order_events(stream: Any) -> None:
        # Batches: one transaction per up to 500 events; offsets are acked after the batch.
        async for batch in stream.take_events(settings.order_batch_size, within=0.02):
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

    @app.timer(0.25, on_leader=True)
    async def relay_outbox() -> None:
        metrics.outbox_relayed.inc(await relay.relay_once())

    add_service_pages(app, registry)
    return app
