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


#: A message that decoded: where it came from, its raw value and its event.
Decoded = tuple[MessageRef, bytes, OrderReceived]


@dataclass(eq=False)
class OrderEventConsumer:
    """Handles messages in batches: an outage is waited out (never poison), poison kept aside."""

    intake: OrderIntake
    metrics: ProcessorMetrics
    dead_letters: DeadLetterSink
    readiness: Readiness
    retry_base_s: float = 0.2
    retry_max_s: float = 5.0

    async def process_batch(self, messages: list[tuple[MessageRef, bytes]]) -> None:
        """Decode all, handle the valid ones in one transaction, dead-letter what cannot be."""
        with self.metrics.processing_seconds.time():
            valid = await self._decoded(messages)
            if valid:
                await self._handle(valid)

    async def _decoded(self, messages: list[tuple[MessageRef, bytes]]) -> list[Decoded]:
        """The messages that decode, with their event; the others are dead-lettered."""
        valid: list[Decoded] = []
        for ref, value in messages:
            try:
                valid.append((ref, value, decode_order_event(value)))
            except PoisonEvent as exc:
                await self._dead_letter(ref, value, str(exc))
        return valid

    async def _handle(self, valid: list[Decoded]) -> None:
        """The decoded events in one transaction; each counted, or dead-lettered as poison."""
        results = await self._until_done([event for _, _, event in valid])
        now = datetime.now(UTC)
        for (ref, value, event), result in zip(valid, results, strict=True):
            if isinstance(result, PoisonEvent):
                await self._dead_letter(ref, value, str(result))
            else:
                self._count(result, (now - event.received_at).total_seconds())

    async def _until_done(self, events: list[OrderReceived]) -> list[Outcome | PoisonEvent]:
        """The intake's results; while the database is out, wait and try again, for ever."""
        delay = self.retry_base_s
        while True:
            try:
                results = await self.intake.handle_batch(events)
            except Outage as exc:
                await self._wait_out(exc, len(events), delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            self.readiness.clear("database")
            return results

    async def _wait_out(self, outage: Outage, waiting: int, delay: float) -> None:
        """Say the database is out (metric, readiness, log), then wait `delay` seconds."""
        self.metrics.outage_retries.inc()
        self.readiness.problem("database", str(outage))
        log.warning("database unavailable (%s): %d events wait %.1f s", outage, waiting, delay)
        await asyncio.sleep(delay)

    def _count(self, outcome: Outcome, age_s: float) -> None:
        self.metrics.events.labels(result=outcome.result).inc()
        self.metrics.documents.labels(kind=outcome.kind, outcome=outcome.result).inc()
        self.metrics.skus_not_found.inc(outcome.skus_not_found)
        self.metrics.event_age_seconds.observe(max(age_s, 0.0))
        if outcome.held_field:
            self.metrics.held.labels(field=outcome.held_field).inc()

    async def _dead_letter(self, ref: MessageRef, value: bytes, reason: str) -> None:
        log.error("dead-lettering order event at %s:%s: %s", ref.partition, ref.offset, reason)
        record = dead_letter(CONSUMER, ref.topic, ref.partition, ref.offset, ref.key, value, reason)
        await self.dead_letters.put(record)
        self.metrics.events.labels(result="dead_lettered").inc()
