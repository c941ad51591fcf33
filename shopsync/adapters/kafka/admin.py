"""Creating topics and probing the broker with confluent-kafka's AdminClient."""

from __future__ import annotations

import logging
import time
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from shopsync.adapters.kafka.topics import TopicSpec

log = logging.getLogger(__name__)


def ensure_topics(bootstrap: str, specs: list[TopicSpec], timeout_s: float = 30.0) -> list[str]:
    """Create the missing topics; returns the names created. Existing ones are left alone."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=timeout_s).topics)
    wanted = [_new_topic(s) for s in specs if s.name not in existing]
    if not wanted:
        return []
    futures = admin.create_topics(wanted, request_timeout=timeout_s)
    created = [name for name, future in futures.items() if _created(future)]
    log.info("created topics: %s", ", ".join(sorted(created)))
    return created


def _new_topic(spec: TopicSpec) -> NewTopic:
    return NewTopic(
        spec.name,
        num_partitions=spec.partitions,
        replication_factor=-1,
        config={"retention.ms": str(spec.retention_ms)},
    )


def _created(future: Any) -> bool:
    """Whether the topic was created; one another process created first is not an error."""
    try:
        future.result()
    except KafkaException as exc:
        if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            raise
        return False
    return True


def wait_for_broker(bootstrap: str, timeout_s: float = 30.0) -> None:
    """Block until the broker answers a metadata request, or raise TimeoutError."""
    deadline = time.monotonic() + timeout_s
    admin = AdminClient({"bootstrap.servers": bootstrap})
    while True:
        try:
            admin.list_topics(timeout=2)
            return
        except KafkaException as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Kafka at {bootstrap} did not answer: {exc}") from exc
