"""What an audit entry records of a change: each field's old → new, secrets masked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MASK = "••••••"
#: Fields whose values never reach the audit log, a page or a log line.
SECRET_FIELDS = frozenset({"api_secret", "password", "webhook_token", "secret"})


@dataclass(frozen=True)
class FieldChange:
    """One field of a change: its name, the value before and the value after (JSON-safe)."""

    field: str
    old: Any
    new: Any


def field_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], secrets: frozenset[str] = SECRET_FIELDS
) -> list[FieldChange]:
    """The fields whose value differs, in `after`'s order; a secret shows only that it changed."""
    changed = [name for name in after if before.get(name) != after[name]]
    return [_change(name, before.get(name), after[name], name in secrets) for name in changed]


def _change(name: str, old: Any, new: Any, secret: bool) -> FieldChange:
    if secret:
        return FieldChange(name, MASK if old else None, MASK if new else None)
    return FieldChange(name, json_safe(old), json_safe(new))


def json_safe(value: Any) -> Any:
    """The value as JSON keeps it: plain types as they are, containers inside out, else text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)
