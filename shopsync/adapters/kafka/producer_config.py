"""The confluent-kafka producer settings every ShopSync producer uses."""

from __future__ import annotations

import logging
from typing import Any

#: librdkafka's own messages (connection refused, broker down, ...) as ordinary log records
#: of this logger, handed over on poll() — instead of raw "%3|…|FAIL|" lines on stderr.
LIBRDKAFKA_LOG = logging.getLogger("shopsync.adapters.kafka.librdkafka")


def producer_config(bootstrap: str, message_timeout_ms: int) -> dict[str, Any]:
    # murmur2_random: same key → same partition as the Java client and faust's producer.
    return {
        "logger": LIBRDKAFKA_LOG,
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "partitioner": "murmur2_random",
        "message.timeout.ms": message_timeout_ms,
        "linger.ms": 0,
        "queue.buffering.max.messages": 100_000,
        "socket.keepalive.enable": True,
        "reconnect.backoff.max.ms": 1000,
    }
