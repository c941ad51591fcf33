"""One Kafka message → decoded event → handler; poison goes to the dead-letter topic."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from pydantic import ValidationError

from services.order_processor.metrics import ProcessorMetrics
from shopsync.contracts import ContractViolation, check, encode
from shopsync.deadletters import dead_letter
from shopsync.events import OrderReceived
from shopsync.kafka.topics import DLQ_ORDER_PROCESSOR
from shopsync.service_layer.order_intake import CONSUMER, OrderIntake, Outcome, PoisonEvent

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
    """Handles messages in batches; transient failures retried, poison dead-lettered."""

    def __init__(
        self,
        intake: OrderIntake,
        metrics: ProcessorMetrics,
        send: Send,
        retry_base_s: float = 0.2,
    ) -> None:
        self._intake = intake
        self._metrics = metrics
        self._send = send
        self._retry_base_s = retry_base_s

    async def process_batch(self, messages: list[tuple[MessageRef, bytes]]) -> None:
        """Decode all, handle the valid ones in one transaction, dead-letter what cannot be."""
        with self._metrics.processing_seconds.time():
            valid: list[tuple[MessageRef, bytes, OrderReceived]] = []
            for ref, value in messages:
                try:
                    valid.append((ref, value, decode_order_event(value)))
                except PoisonEvent as exc:
                    await self._dead_letter(ref, value, str(exc))
            if not valid:
                return
            results = await self._batch_with_retries([event for _, _, event in valid])
            now = datetime.now(UTC)
            for (ref, value, event), result in zip(valid, results, strict=True):
                if isinstance(result, PoisonEvent):
                    await self._dead_letter(ref, value, str(result))
                else:
                    self._count(result)
                    age = (now - event.received_at).total_seconds()
                    self._metrics.event_age_seconds.observe(max(age, 0.0))

    async def _batch_with_retries(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await self._intake.handle_batch(events)
            except Exception as exc:
                if attempt == MAX_ATTEMPTS:
                    return [PoisonEvent(f"failed {attempt} times: {exc!r}") for _ in events]
                log.warning("batch of %d failed (attempt %d): %r", len(events), attempt, exc)
                await asyncio.sleep(self._retry_base_s * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _count(self, outcome: Outcome) -> None:
        self._metrics.events.labels(result=outcome.result).inc()
        self._metrics.documents.labels(kind=outcome.kind, outcome=outcome.result).inc()
        self._metrics.skus_not_found.inc(outcome.skus_not_found)

    async def _dead_letter(self, ref: MessageRef, value: bytes, reason: str) -> None:
        log.error("dead-lettering order event at %s:%s: %s", ref.partition, ref.offset, reason)
        record = dead_letter(CONSUMER, ref.topic, ref.partition, ref.offset, ref.key, value, reason)
        await self._send(DLQ_ORDER_PROCESSOR, ref.key or b"", encode(record))
        self._metrics.dead_letters.inc()
        self._metrics.events.labels(result="dead_lettered").inc()
