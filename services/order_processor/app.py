"""The order processor's composition root: a faust app and its agent.

The outbox it writes is relayed by `shopsync outbox-relay`, a process of its own.
"""

from __future__ import annotations

from typing import Any

import faust
from prometheus_client import CollectorRegistry

from services.order_processor.consumer import MessageRef, OrderEventConsumer
from services.order_processor.metrics import ProcessorMetrics, processor_metrics, waiting_metrics
from services.order_processor.waiting import COUNT_S, WaitingCounts
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.health import survived
from shopsync.adapters.kafka.faust_app import raw_topic
from shopsync.adapters.kafka.topics import DLQ_ORDER_PROCESSOR, ORDER_EVENTS
from shopsync.adapters.kafka.worker_app import WorkerApp, worker_app
from shopsync.adapters.mnb.client import HttpMnbClient
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.rate_book import RateBook
from shopsync.settings import Settings

APP_ID = "shopsync-order-processor"


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> faust.App:
    """Wire the agent (concurrency=1: offsets never pass an unfinished event)."""
    worker = worker_app(APP_ID, settings, settings.order_processor_port, registry)
    metrics = processor_metrics(worker.registry)
    consumer = _consumer(worker, metrics, _rate_book(worker, settings))
    window_s = settings.order_batch_window_ms / 1000

    @worker.app.agent(raw_topic(worker.app, ORDER_EVENTS), name="order-events", concurrency=1)
    async def order_events(stream: Any) -> None:
        # Batches: one transaction per up to 500 events; offsets are acked after the batch.
        async for batch in stream.take_events(settings.order_batch_size, within=window_s):
            await consumer.process_batch(_messages(batch))
            _record_lag(worker.app, metrics, batch)

    _count_waiting(worker)
    return worker.with_service_pages()


def _count_waiting(worker: WorkerApp) -> None:
    """Dead letters and held orders waiting for an operator, as gauges the alerts read."""
    waiting = WaitingCounts(worker.sessions, waiting_metrics(worker.registry))

    @worker.app.timer(COUNT_S)
    async def count_waiting() -> None:
        await survived(worker.readiness, "counting dead letters and held orders", waiting.count())


def _consumer(worker: WorkerApp, metrics: ProcessorMetrics, rates: RateBook) -> OrderEventConsumer:
    # Dead letters go out through librdkafka (C), like everything ShopSync produces.
    send = worker.resources.producer.send
    dead_letters = DeadLetterSink(worker.sessions, send, DLQ_ORDER_PROCESSOR, metrics.dead_letters)
    intake = OrderIntake(order_units(worker.sessions), rates)
    return OrderEventConsumer(intake, metrics, dead_letters, worker.readiness)


def _rate_book(worker: WorkerApp, settings: Settings) -> RateBook:
    """Foreign-currency documents get MNB's rate of their day, asked before each batch."""
    resources = worker.resources
    mnb = HttpMnbClient(lambda: resources.http, settings.mnb_url, settings.mnb_timeout_s)
    return RateBook(worker.sessions, mnb)


def _messages(batch: list[Any]) -> list[tuple[MessageRef, bytes]]:
    """Where each faust event came from, with its raw value."""
    return [
        (MessageRef(e.message.topic, e.message.partition, e.message.offset, e.message.key), e.value)
        for e in batch
    ]


def _record_lag(app: faust.App, metrics: ProcessorMetrics, batch: list[Any]) -> None:
    """Highwater (from the last fetch, no request) minus the next offset, per partition."""
    for tp, offset in _last_offsets(batch).items():
        highwater = _highwater(app, tp)
        if highwater is not None:
            lag = max(highwater - offset - 1, 0)
            metrics.consumer_lag.labels(partition=str(tp.partition)).set(lag)


def _highwater(app: faust.App, tp: Any) -> int | None:
    try:
        return app.consumer.highwater(tp)
    except AssertionError:  # revoked meanwhile (aiokafka asserts the assignment)
        return None


def _last_offsets(batch: list[Any]) -> dict[Any, int]:
    """The batch's highest offset per topic-partition."""
    last: dict[Any, int] = {}
    for event in batch:
        tp = event.message.tp
        last[tp] = max(last.get(tp, -1), event.message.offset)
    return last
