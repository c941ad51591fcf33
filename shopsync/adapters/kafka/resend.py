"""Sending stored events back to their topics (dead letters replayed), blocking until acked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException, Producer

from shopsync.adapters.kafka.producer import producer_config

Delivered = Callable[[Any, Any], None]


@dataclass(frozen=True)
class StoredEvent:
    """An event as it was read: its topic, key and payload."""

    topic: str
    key: str | None
    payload: str


def resend(bootstrap: str, events: Sequence[StoredEvent], flush_s: float = 15) -> list[str]:
    """Each event back to its topic; what went wrong (nothing when every one was acknowledged)."""
    producer = Producer(producer_config(bootstrap, 10_000))
    failures: list[str] = []

    def delivered(err: Any, _message: Any) -> None:
        if err is not None:
            failures.append(str(err))

    try:
        for event in events:
            _send(producer, event, delivered)
        remaining = producer.flush(flush_s)
    except KafkaException as exc:
        return [str(exc)]
    return failures + [f"not acknowledged in {flush_s:g} s"] * remaining


def _send(producer: Producer, event: StoredEvent, delivered: Delivered) -> None:
    producer.produce(
        event.topic,
        value=event.payload.encode(),
        key=(event.key or "").encode(),
        on_delivery=delivered,
    )
