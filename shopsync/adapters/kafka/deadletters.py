"""Building dead-letter records for events a consumer cannot handle."""

from __future__ import annotations

from datetime import UTC, datetime

from shopsync.adapters.kafka.records import DeadLetter


def dead_letter(
    consumer: str,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes,
    reason: str,
) -> DeadLetter:
    return DeadLetter(
        event_id=f"{topic}:{partition}:{offset}",
        consumer=consumer,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        key=key.decode("utf-8", "replace") if key is not None else None,
        payload=value.decode("utf-8", "replace"),
        reason=reason[:2000],
        failed_at=datetime.now(UTC),
    )
