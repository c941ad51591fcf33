"""Delivery reports turned into futures: one per message, or one for a lot of messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from confluent_kafka import KafkaError, KafkaException, Message


class BrokerUnavailable(Exception):
    """The broker did not acknowledge in time, or the local queue is full."""


def is_fatal(exc: KafkaException) -> bool:
    """Whether the producer that raised this is unusable for good."""
    return bool(exc.args and isinstance(exc.args[0], KafkaError) and exc.args[0].fatal())


def settle_all(batch: list[Callable[[], None]]) -> None:
    for settle in batch:
        settle()


def settle(future: asyncio.Future[Message], err: KafkaError | None, msg: Message) -> None:
    if future.done():
        return
    if err is not None:
        future.set_exception(BrokerUnavailable(err.str()))
    else:
        future.set_result(msg)


class DeliveryBatch:
    """Delivery reports of many messages counted down into one future."""

    def __init__(self, future: asyncio.Future[None], count: int) -> None:
        self.future = future
        self._remaining = count
        self._error: str | None = None

    def settle_one(self, err: KafkaError | None) -> None:
        if err is not None and self._error is None:
            self._error = err.str()
        self._remaining -= 1
        if self._remaining == 0 and not self.future.done():
            if self._error is None:
                self.future.set_result(None)
            else:
                self.future.set_exception(BrokerUnavailable(self._error))
