"""One Kafka message → decoded event → handler; poison goes to the dead-letter topic."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson
from pydantic import ValidationError

from services.order_processor.handlers import CONSUMER, OrderEventHandler, PoisonEvent
from services.order_processor.metrics import ProcessorMetrics
from shopsync.contracts import ContractViolation, check, encode
from shopsync.deadletters import dead_letter
from shopsync.events import OrderReceived
from shopsync.kafka.topics import DLQ_ORDER_PROCESSOR

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

Send = Callable[[str, bytes, bytes], Awaitable[None]]


@dataclass(frozen=True)
class MessageRef:
    topic: str
    partition: int
    offset: int
    key: bytes | None


def decode_order_event(value: bytes) -> OrderReceived:
    """Parse and validate a message; PoisonEvent says why it cannot be an OrderReceived."""
    try:
        document = orjson.loads(value)
        check("order-events/v1", document)
        document.pop("schema")
        return OrderReceived.model_validate(document)
    except (orjson.JSONDecodeError, ContractViolation, ValidationError, TypeError) as exc:
        raise PoisonEvent(f"undecodable order event: {str(exc)[:500]}") from exc


class OrderEventConsumer:
    """Handles messages one at a time; transient failures are retried before dead-lettering."""

    def __init__(
        self,
        handler: OrderEventHandler,
        metrics: ProcessorMetrics,
        send: Send,
        retry_base_s: float = 0.2,
    ) -> None:
        self._handler = handler
        self._metrics = metrics
        self._send = send
        self._retry_base_s = retry_base_s

    async def process(self, ref: MessageRef, value: bytes) -> None:
        with self._metrics.processing_seconds.time():
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    event = decode_order_event(value)
                    outcome = await self._handler.handle(event)
                except PoisonEvent as exc:
                    await self._dead_letter(ref, value, str(exc))
                    return
                except Exception as exc:
                    if attempt == MAX_ATTEMPTS:
                        await self._dead_letter(ref, value, f"failed {attempt} times: {exc!r}")
                        return
                    log.warning(
                        "order event at %s:%s failed (attempt %d): %r",
                        ref.partition,
                        ref.offset,
                        attempt,
                        exc,
                    )
                    await asyncio.sleep(self._retry_base_s * 2 ** (attempt - 1))
                    continue
                self._metrics.events.labels(result=outcome.result).inc()
                self._metrics.documents.labels(kind=outcome.kind, outcome=outcome.result).inc()
                self._metrics.skus_not_found.inc(outcome.skus_not_found)
                return

    async def _dead_letter(self, ref: MessageRef, value: bytes, reason: str) -> None:
        log.error("dead-lettering order event at %s:%s: %s", ref.partition, ref.offset, reason)
        record = dead_letter(CONSUMER, ref.topic, ref.partition, ref.offset, ref.key, value, reason)
        await self._send(DLQ_ORDER_PROCESSOR, ref.key or b"", encode(record))
        self._metrics.dead_letters.inc()
        self._metrics.events.labels(result="dead_lettered").inc()
