"""One way to read any topic: JSON → schema check → typed record; what fails is a dead letter."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import orjson
from pydantic import ValidationError

from shopsync.adapters.db.dead_letters import DeadLetterSink
from shopsync.adapters.kafka.contracts import ContractViolation, check
from shopsync.adapters.kafka.deadletters import dead_letter
from shopsync.adapters.kafka.records import DeadLetter, Event

E = TypeVar("E", bound=Event)


class Undecodable(ValueError):
    """A message that breaks its topic's contract; the message says how."""


def decode(value: bytes, model: type[E]) -> E:
    """The typed record of a message, checked first against its topic's JSON Schema."""
    try:
        document = orjson.loads(value)
        check(model.schema_name, document)
        document.pop("schema")
        return model.model_validate(document)
    except (orjson.JSONDecodeError, ContractViolation, ValidationError, TypeError) as exc:
        raise Undecodable(f"undecodable {model.schema_name}: {str(exc)[:500]}") from exc


class RecordReader(Generic[E]):
    """Decodes a topic's messages; a malformed one is kept as a dead letter (database, topic)."""

    def __init__(self, consumer: str, model: type[E], dead_letters: DeadLetterSink) -> None:
        self._consumer = consumer
        self._model = model
        self._dead_letters = dead_letters

    async def read(self, event: Any) -> E | None:
        """The record of a faust event, or None once a bad one is dead-lettered."""
        try:
            return decode(event.value, self._model)
        except Undecodable as exc:
            await self._dead_letters.put(self._dead_letter(event, str(exc)))
            return None

    def _dead_letter(self, event: Any, reason: str) -> DeadLetter:
        message = event.message
        return dead_letter(
            self._consumer,
            message.topic,
            message.partition,
            message.offset,
            message.key,
            event.value,
            reason,
        )
