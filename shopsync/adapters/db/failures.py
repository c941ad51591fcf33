"""Telling a database outage from a conflict and from an event's own fault.

An outage (no connection, a connection refused for any reason — the database missing,
shutting down, not accepting connections, authentication —, SQLite busy or unreadable) is
nobody's event's fault: the work waits and is tried again, for
as long as it takes. A conflict (deadlock, serialization failure, a unique key another
worker just took) goes away when tried again. Anything else raised while handling one event
alone is that event's fault.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError

#: PostgreSQL SQLSTATE prefixes: connection exception, operator intervention (shutdown,
#: cannot connect now), insufficient resources, no such database, authorization, system error.
OUTAGE_STATES = ("08", "57P", "53", "3D000", "28", "58")
#: Serialization failure, deadlock, unique violation (a concurrent claim), lock not available.
CONFLICT_STATES = ("40001", "40P01", "23505", "55P03")
SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o", "no such table", "readonly")


def is_outage(exc: BaseException) -> bool:
    return any(_says_outage(cause) for cause in _causes(exc))


def is_conflict(exc: BaseException) -> bool:
    return any(_state(cause).startswith(CONFLICT_STATES) for cause in _causes(exc))


def _says_outage(cause: BaseException) -> bool:
    """Whether one exception of the chain says the database cannot be reached."""
    if isinstance(cause, OSError | TimeoutError):
        return True
    if isinstance(cause, DBAPIError) and (cause.connection_invalidated or not cause.statement):
        return True  # no statement: the connection itself failed, whatever the reason
    if _state(cause).startswith(OUTAGE_STATES):
        return True
    if isinstance(cause, sqlite3.OperationalError) and any(
        word in str(cause).lower() for word in SQLITE_OUTAGES
    ):
        return True
    return "connection is closed" in str(cause) or "connection was closed" in str(cause)


def _state(exc: BaseException) -> str:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) else ""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (`orig`) and what caused it, a few levels deep."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 12:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [current.__cause__, current.__context__]
