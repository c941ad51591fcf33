"""What the CLI says when a command fails: one line on what is wrong and what to do."""

from __future__ import annotations

import logging
from typing import Any

import click
from confluent_kafka import KafkaException
from sqlalchemy.exc import IntegrityError

from shopsync.adapters.db.failures import is_outage

log = logging.getLogger("shopsync.entrypoints.cli")


class ExplainingGroup(click.Group):
    """A click group whose commands never end in a traceback for a user's mistake or a stop."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            log.debug("command failed", exc_info=exc)
            raise click.ClickException(explain(exc)) from exc


def explain(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, KafkaException):
        return f"Kafka does not answer ({first}): is ShopSync running? start it with make run"
    if is_outage(exc):
        return f"the database cannot be used ({first}): is it running, is DATABASE_URL right?"
    if isinstance(exc, IntegrityError):
        detail = str(exc.orig).strip().splitlines()[0][:300] if exc.orig else first
        return f"the database refused the change ({detail})"
    return f"{type(exc).__name__}: {first} (LOG_LEVEL=DEBUG shows where)"
