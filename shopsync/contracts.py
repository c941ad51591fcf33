"""Loads the JSON Schemas in schemas/ and checks records against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker

from shopsync.events import Event

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


class ContractViolation(ValueError):
    """A record does not match its topic's JSON Schema."""


@cache
def validator(schema_name: str) -> Draft202012Validator:
    """The validator for a schema name such as 'order-events/v1'."""
    base, version = schema_name.split("/")
    schema = json.loads((SCHEMA_DIR / f"{base}.{version}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def check(schema_name: str, document: dict[str, Any]) -> None:
    """Raise ContractViolation naming the first problem when document breaks the schema."""
    error = next(iter(validator(schema_name).iter_errors(document)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise ContractViolation(f"{schema_name}: {where}: {error.message}")


def encode(event: Event) -> bytes:
    """The record as JSON bytes, checked against its schema first."""
    document = event.to_json_dict()
    check(event.schema_name, document)
    return orjson.dumps(document)
