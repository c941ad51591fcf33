"""What CLI commands print: JSON for scripts, aligned tables and lines for people."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import click

T = TypeVar("T")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def emit_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def emit_rows(rows: list[dict[str, Any]], columns: list[str], as_json: bool) -> None:
    """The rows as JSON when asked for, else as a table of `columns`."""
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, columns)


def emit_either(data: T, as_json: bool, say: Callable[[T], None]) -> None:
    """`data` as JSON when asked for, else as `say` puts it for people."""
    if as_json:
        emit_json(data)
    else:
        say(data)
