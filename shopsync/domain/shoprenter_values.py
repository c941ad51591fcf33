"""Tolerant readers for Shoprenter's JSON habits: numbers as strings, many shapes of empty."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def text(value: Any) -> str:
    """A string field; `{}`, `[]`, `null` and `""` all mean empty."""
    if is_empty(value):
        return ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def decimal(value: Any, default: Decimal = Decimal(0)) -> Decimal:
    """A number that may come as a string, an int, a float or an empty value."""
    if is_empty(value) or isinstance(value, (dict, list, bool)):
        return default
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return default
    return number if number.is_finite() else default


def as_list(value: Any) -> list[Any]:
    """A list that Shoprenter may render as one object, as `{}` or as null."""
    if is_empty(value):
        return []
    if isinstance(value, list):
        return value
    return [value]


def nested_list(container: Any, key: str) -> list[dict[str, Any]]:
    """`{"orderProduct": [...]}` or `{"orderProduct": {...}}` or a bare list, as a list."""
    if isinstance(container, dict):
        return [item for item in as_list(container.get(key)) if isinstance(item, dict)]
    return [item for item in as_list(container) if isinstance(item, dict)]
