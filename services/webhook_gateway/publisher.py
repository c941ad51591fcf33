"""The port the gateway publishes through, and its confluent-kafka adapter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from shopsync.adapters.kafka.producer import AsyncProducer, BrokerUnavailable, producer_config

log = logging.getLogger(__name__)


class EventPublisher(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, topic: str, key: bytes, value: bytes) -> None: ...

    def is_reachable(self) -> bool: ...

    def queue_depth(self) -> int: ...


class KafkaEventPublisher:
    """Publishes through the idempotent producer and watches whether the broker answers."""

    def __init__(self, bootstrap: str, message_timeout_ms: int) -> None:
        self._config = producer_config(bootstrap, message_timeout_ms)
        self._producer = AsyncProducer(self._config)
        self._reachable = False
        self._failed_probes = 0
        self._watch: asyncio.Task[None] | None = None
        self._retiring: set[asyncio.Task[int]] = set()
        self.replacements = 0

    async def start(self) -> None:
        await self._probe()
        self._watch = asyncio.create_task(self._watch_broker())

    async def publish(self, topic: str, key: bytes, value: bytes) -> None:
        producer = self._producer
        try:
            await producer.send(topic, key, value)
        except BrokerUnavailable:
            self._reachable = False
            if (producer.fatal or producer.stuck) and producer is self._producer:
                self._replace_producer()
            raise

    def _replace_producer(self) -> None:
        """A fatal producer never recovers: start a fresh one, retire the old in the background."""
        old, self._producer = self._producer, AsyncProducer(self._config)
        self.replacements += 1
        log.warning(
            "Kafka producer unusable (fatal or stuck): replaced (%d so far)", self.replacements
        )
        self._retire(old)

    def _retire(self, old: AsyncProducer) -> None:
        """Close `old` in the background; its task is held until done (the loop holds it weakly)."""
        task = asyncio.create_task(asyncio.to_thread(old.close, 0.5))
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    def is_reachable(self) -> bool:
        return self._reachable

    def queue_depth(self) -> int:
        return self._producer.queue_depth()

    async def close(self) -> None:
        await self._stop_watching()
        remaining = await asyncio.to_thread(self._producer.close, 10.0)
        if remaining:
            log.error("%d messages were not delivered at shutdown", remaining)

    async def _stop_watching(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch

    async def _watch_broker(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            await self._probe()

    async def _probe(self) -> None:
        if self._producer.fatal:
            self._replace_producer()
        try:
            await asyncio.to_thread(self._producer.probe, 1.0)
            self._reachable, self._failed_probes = True, 0
        except BrokerUnavailable:
            # Webhooks are answered 503 at once while unreachable: one slow probe is not enough.
            self._failed_probes += 1
            self._reachable = self._reachable and self._failed_probes < 2
