"""Kafka messages → decoded events → the order intake; outages waited out, poison set aside."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from services.order_processor.metrics import ProcessorMetrics
from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.health import Readiness
from shopsync.adapters.kafka.deadletters import dead_letter
from shopsync.adapters.kafka.decoding import Undecodable, decode
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.service_layer.order_intake import CONSUMER, OrderIntake, Outage, Outcome, PoisonEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageRef:
    topic: str
    partition: int
    offset: int
    key: bytes | None


def decode_order_event(value: bytes) -> OrderReceived:
    """Parse and validate a message; PoisonEvent says why it cannot be an OrderReceived."""
    try:
        return decode(value, OrderReceived)
    except Undecodable as exc:
        raise PoisonEvent(str(exc)) from exc


class OrderEventConsumer:
    """Handles messages in batches: an outage is waited out (never poison), poison kept aside."""

    def __init__(
        self,
        intake: OrderIntake,
        metrics: ProcessorMetrics,
        dead_letters: DeadLetterSink,
        readiness: Readiness,
        retry_base_s: float = 0.2,
        retry_max_s: float = 5.0,
    ) -> None:
        self._intake = intake
        self._metrics = metrics
        self._dead_letters = dead_letters
        self._readiness = readiness
        self._retry_base_s = retry_base_s
        self._retry_max_s = retry_max_s

    async def process_batch(self, messages: list[tuple[MessageRef, bytes]]) -> None:
        """Decode all, handle the valid ones in one transaction, dead-letter what cannot be."""
        with self._metrics.processing_seconds.time():
            valid = await self._decoded(messages)
            if not valid:
                return
            results = await self._until_done([event for _, _, event in valid])
            now = datetime.now(UTC)
            for (ref, value, event), result in zip(valid, results, strict=True):
                if isinstance(result, PoisonEvent):
                    await self._dead_letter(ref, value, str(result))
                else:
                    self._count(result, (now - event.received_at).total_seconds())

    async def _decoded(
        self, messages: list[tuple[MessageRef, bytes]]
    ) -> list[tuple[MessageRef, bytes, OrderReceived]]:
        """The messages that decode, with their event; the others are dead-lettered."""
        valid: list[tuple[MessageRef, bytes, OrderReceived]] = []
        for ref, value in messages:
            try:
                valid.append((ref, value, decode_order_event(value)))
            except PoisonEvent as exc:
                await self._dead_letter(ref, value, str(exc))
        return valid

    async def _until_done(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        """The intake's results; while the database is out, wait and try again, for ever."""
        delay = self._retry_base_s
        while True:
            try:
                results = await self._intake.handle_batch(events)
            except Outage as exc:
                self._metrics.outage_retries.inc()
                self._readiness.problem("database", str(exc))
                log.warning(
                    "database unavailable (%s): %d events wait %.1f s", exc, len(events), delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_max_s)
                continue
            self._readiness.clear("database")
            return results

    def _count(self, outcome: Outcome, age_s: float) -> None:
        self._metrics.events.labels(result=outcome.result).inc()
        self._metrics.documents.labels(kind=outcome.kind, outcome=outcome.result).inc()
        self._metrics.skus_not_found.inc(outcome.skus_not_found)
        self._metrics.event_age_seconds.observe(max(age_s, 0.0))

    async def _dead_letter(self, ref: MessageRef, value: bytes, reason: str) -> None:
        log.error("dead-lettering order event at %s:%s: %s", ref.partition, ref.offset, reason)
        record = dead_letter(CONSUMER, ref.topic, ref.partition, ref.offset, ref.key, value, reason)
        await self._dead_letters.put(record)
        self._metrics.events.labels(result="dead_lettered").inc()
