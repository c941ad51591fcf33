"""An asyncio face on confluent-kafka's idempotent producer: await the broker's ack."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from shopsync.adapters.kafka.delivery import (
    BrokerUnavailable,
    DeliveryBatch,
    is_fatal,
    settle,
    settle_all,
)
from shopsync.adapters.kafka.producer_config import LIBRDKAFKA_LOG, producer_config

__all__ = [
    "LIBRDKAFKA_LOG",
    "AsyncProducer",
    "BrokerUnavailable",
    "LazyProducer",
    "producer_config",
]


class AsyncProducer:
    """Produces messages; `send` returns once the broker acknowledged (acks=all)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.fatal = False
        self.timeouts_in_a_row = 0
        self._producer = Producer({**config, "error_cb": self._on_error})
        self._stop = threading.Event()
        self._settled: list[Callable[[], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller = threading.Thread(target=self._poll, name="kafka-poll", daemon=True)
        self._poller.start()

    @property
    def stuck(self) -> bool:
        """A delivery timed out: after a broker restart that lost the idempotent producer's
        state, librdkafka retries for ever without an error, and only a new producer works.
        Replacing it on any timeout costs nothing when the broker is simply down."""
        return self.timeouts_in_a_row >= 1

    def _delivered(self, err: KafkaError | None) -> None:
        timed_out = err is not None and err.code() == KafkaError._MSG_TIMED_OUT
        self.timeouts_in_a_row = self.timeouts_in_a_row + 1 if timed_out else 0

    def _on_error(self, err: KafkaError) -> None:
        # A fatal error (e.g. the idempotent producer's state lost by a restarted broker)
        # leaves this producer unusable for good: the owner replaces it.
        if err.fatal():
            self.fatal = True

    def _poll(self) -> None:
        # Delivery reports are gathered per poll and handed to the loop in one wake-up.
        while not self._stop.is_set():
            try:
                self._producer.poll(0.05)
            except KafkaException as exc:  # raised by poll() once the producer is fatal
                if is_fatal(exc):
                    self.fatal = True
            self._hand_over_settled()

    def _hand_over_settled(self) -> None:
        """Have the event loop settle the futures of the reports gathered since the last call."""
        if self._settled and self._loop is not None:
            batch, self._settled = self._settled, []
            self._loop.call_soon_threadsafe(settle_all, batch)

    async def send(self, topic: str, key: bytes, value: bytes) -> Message:
        """Publish and wait for the acknowledgement; BrokerUnavailable when it cannot be had."""
        loop = self._loop = asyncio.get_running_loop()
        future: asyncio.Future[Message] = loop.create_future()

        def on_delivery(err: KafkaError | None, msg: Message) -> None:
            self._delivered(err)
            self._settled.append(lambda: settle(future, err, msg))

        self._produce(topic, key, value, on_delivery)
        return await future

    async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        """Publish (topic, key, value) messages; returns once the broker acknowledged all.

        One future for the lot: relaying thousands of outbox rows a second must not cost a
        task and a future per message. BrokerUnavailable if any of them was not delivered.
        """
        if not messages:
            return
        loop = self._loop = asyncio.get_running_loop()
        batch = DeliveryBatch(loop.create_future(), len(messages))

        def on_delivery(err: KafkaError | None, _msg: Message) -> None:
            self._delivered(err)
            self._settled.append(lambda: batch.settle_one(err))

        for topic, key, value in messages:
            self._produce(topic, key, value, on_delivery)
        await batch.future

    def _produce(
        self, topic: str, key: bytes, value: bytes, on_delivery: Callable[..., None]
    ) -> None:
        try:
            self._producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
        except BufferError as exc:
            raise BrokerUnavailable("producer queue is full") from exc
        except KafkaException as exc:
            if is_fatal(exc):
                self.fatal = True
            raise BrokerUnavailable(str(exc)) from exc

    def probe(self, timeout_s: float) -> None:
        """Ask the broker for metadata; BrokerUnavailable when it does not answer."""
        if self.fatal:
            raise BrokerUnavailable("producer hit a fatal error")
        try:
            metadata = self._producer.list_topics(timeout=timeout_s)
        except KafkaException as exc:
            raise BrokerUnavailable(str(exc)) from exc
        if not metadata.brokers:
            raise BrokerUnavailable("no broker in metadata")

    def queue_depth(self) -> int:
        return len(self._producer)

    def flush(self, timeout_s: float) -> int:
        """Wait for outstanding messages; returns how many are still undelivered."""
        return int(self._producer.flush(timeout_s))

    def close(self, timeout_s: float = 10.0) -> int:
        remaining = self.flush(timeout_s)
        self._stop.set()
        self._poller.join(timeout=2)
        return remaining


class LazyProducer:
    """An AsyncProducer created on first use, inside the running event loop."""

    def __init__(self, bootstrap: str, message_timeout_ms: int = 30_000) -> None:
        self._config = producer_config(bootstrap, message_timeout_ms)
        self._producer: AsyncProducer | None = None

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        await self._usable().send(topic, key, value)

    async def send_many(self, messages: Sequence[tuple[str, bytes, bytes]]) -> None:
        await self._usable().send_many(messages)

    def close(self, timeout_s: float = 5.0) -> None:
        """Deliver what is queued (up to `timeout_s`) and let the producer go."""
        if self._producer is not None:
            self._producer.close(timeout_s)
            self._producer = None

    def _usable(self) -> AsyncProducer:
        """The producer, or a new one when it is fatal or stuck (the old one is let go)."""
        old = self._producer
        if old is not None and not (old.fatal or old.stuck):
            return old
        self._producer = AsyncProducer(self._config)
        if old is not None:
            threading.Thread(target=old.close, args=(0.5,), daemon=True).start()
        return self._producer
