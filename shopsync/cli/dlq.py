"""`shopsync dlq ...`: dead-lettered events, listed and replayed once the cause is fixed."""

from __future__ import annotations

import json
from typing import Any

import click
from confluent_kafka import Consumer, Producer, TopicPartition

from shopsync.cli.context import emit_json, emit_table, settings
from shopsync.kafka.producer import LIBRDKAFKA_LOG, producer_config
from shopsync.kafka.topics import DLQ_BY_CONSUMER


def read_dead_letters(bootstrap: str, topic: str, idle_s: float = 1.5) -> list[dict[str, Any]]:
    """Every record on a dead-letter topic, oldest first."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "logger": LIBRDKAFKA_LOG,
            "group.id": "shopsync-dlq-cli",
            "enable.auto.commit": False,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None:
            raise click.ClickException(f"dead-letter topic {topic} does not exist")
        consumer.assign([TopicPartition(topic, p, 0) for p in metadata.partitions])
        records: list[dict[str, Any]] = []
        waited = 0.0
        while waited < idle_s:
            messages = [m for m in consumer.consume(500, timeout=0.25) if not m.error()]
            waited = 0.0 if messages else waited + 0.25
            records.extend(json.loads(m.value() or b"null") for m in messages)
        return records
    finally:
        consumer.close()


@click.group("dlq")
def dlq() -> None:
    """Events a consumer could not handle, with the reason."""


@dlq.command("list")
@click.option(
    "--consumer",
    type=click.Choice(sorted(DLQ_BY_CONSUMER)),
    default="order-processor",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True)
def list_(consumer: str, as_json: bool) -> None:
    """List dead-lettered events of one consumer."""
    records = read_dead_letters(settings().bootstrap_servers, DLQ_BY_CONSUMER[consumer])
    if as_json:
        emit_json(records)
    else:
        emit_table(
            [{**r, "reason": r["reason"][:80]} for r in records],
            ["event_id", "source_topic", "key", "failed_at", "reason"],
        )


@dlq.command("replay")
@click.option(
    "--consumer",
    type=click.Choice(sorted(DLQ_BY_CONSUMER)),
    default="order-processor",
    show_default=True,
)
@click.option("--event-id", "event_ids", multiple=True, help="only these (default: all)")
def replay(consumer: str, event_ids: tuple[str, ...]) -> None:
    """Send dead-lettered events back to their topic (handling is idempotent: repeats are safe)."""
    current = settings()
    records = read_dead_letters(current.bootstrap_servers, DLQ_BY_CONSUMER[consumer])
    chosen = [r for r in records if not event_ids or r["event_id"] in event_ids]
    producer = Producer(producer_config(current.bootstrap_servers, 10_000))
    failures: list[str] = []

    def delivered(err: Any, _message: Any) -> None:
        if err is not None:
            failures.append(str(err))

    for record in chosen:
        producer.produce(
            record["source_topic"],
            value=record["payload"].encode(),
            key=(record["key"] or "").encode(),
            on_delivery=delivered,
        )
    producer.flush(15)
    if failures:
        raise click.ClickException(f"{len(failures)} events could not be replayed")
    click.echo(f"replayed {len(chosen)} events to their topics")
