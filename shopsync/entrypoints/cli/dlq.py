"""`shopsync dlq ...`: events a consumer gave up on, kept with the reason, replayed when fixed."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.dead_letters import dead_letters, mark_replayed
from shopsync.adapters.db.models import DeadLetterRow
from shopsync.adapters.kafka.resend import StoredEvent, resend
from shopsync.adapters.kafka.topics import DLQ_BY_CONSUMER
from shopsync.entrypoints.cli.context import committed, query, settings
from shopsync.entrypoints.cli.output import emit_json, emit_table

CONSUMER = click.option(
    "--consumer",
    type=click.Choice(sorted(DLQ_BY_CONSUMER)),
    default="order-processor",
    show_default=True,
)
#: A dead letter as `list` and `replay` see it: these columns, by their names.
FIELDS = ("id", "event_id", "source_topic", "key", "payload", "reason", "failed_at", "replayed_at")


def _record(row: DeadLetterRow) -> dict[str, Any]:
    return {field: getattr(row, field) for field in FIELDS}


def _records(consumer: str, replayed: bool) -> list[dict[str, Any]]:
    async def read(session: AsyncSession) -> list[dict[str, Any]]:
        return [_record(r) for r in await dead_letters(session, consumer, replayed)]

    return query(read)


@click.group("dlq")
def dlq() -> None:
    """Events a consumer could not handle, with the reason (kept in the database)."""


@dlq.command("list")
@CONSUMER
@click.option("--all", "replayed", is_flag=True, help="replayed ones too")
@click.option("--json", "as_json", is_flag=True)
def list_(consumer: str, replayed: bool, as_json: bool) -> None:
    """List dead-lettered events of one consumer (those not replayed yet)."""
    records = _records(consumer, replayed)
    if as_json:
        emit_json(records)
    else:
        emit_table(
            [{**r, "reason": r["reason"][:80]} for r in records],
            ["event_id", "source_topic", "key", "failed_at", "reason"],
        )


@dlq.command("replay")
@CONSUMER
@click.option("--event-id", "event_ids", multiple=True, help="only these (default: all)")
def replay(consumer: str, event_ids: tuple[str, ...]) -> None:
    """Send dead-lettered events back to their topic (handling is idempotent: repeats are safe)."""
    current = settings()
    chosen = [r for r in _records(consumer, False) if not event_ids or r["event_id"] in event_ids]
    if not chosen:
        click.echo("nothing to replay")
        return
    _send_all(current.bootstrap_servers, chosen)
    committed(lambda session: mark_replayed(session, [r["id"] for r in chosen]))
    click.echo(f"replayed {len(chosen)} events to their topics")


def _send_all(bootstrap: str, records: list[dict[str, Any]]) -> None:
    """Every record back to its topic, or a one-line error saying how many were not."""
    failures = _produce(bootstrap, records)
    if failures:
        raise click.ClickException(
            f"{len(failures)} of {len(records)} events could not be sent ({failures[0]}): "
            "is ShopSync running? start it with make run"
        )


def _produce(bootstrap: str, records: list[dict[str, Any]]) -> list[str]:
    """Each record back to its topic; what went wrong (nothing when every one was acknowledged)."""
    return resend(
        bootstrap, [StoredEvent(r["source_topic"], r["key"], r["payload"]) for r in records]
    )
