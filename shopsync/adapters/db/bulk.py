"""Many rows into one table inside the caller's transaction, as cheaply as the database allows.

PostgreSQL: ids are drawn from the table's sequence in one query and rows go in with binary
`COPY` (no statement with thousands of parameters to parse and plan). Other databases
(SQLite, the embedded default), and small batches anywhere: a Core executemany insert, with
RETURNING for ids — one round trip instead of three, which is what a batch of a few orders
under light load is made of. Column defaults declared in Python are applied here, since
`COPY` only knows server defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from operator import itemgetter
from typing import Any, TypeVar

import orjson
from sqlalchemy import JSON, ColumnElement, Insert, Select, Table, insert, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.base import UtcDateTime

S = TypeVar("S", bound=Select[Any])

#: From this many rows on, `COPY` beats a multi-row INSERT on PostgreSQL.
COPY_MIN_ROWS = 64


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of column → value); nothing is read back."""
    if not rows:
        return
    if len(rows) >= COPY_MIN_ROWS and is_postgresql(session):
        await _copy(session, table, rows)
    else:
        await session.execute(insert(table), list(rows))


async def insert_returning_ids(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]
) -> list[int]:
    """Insert `rows` and return their new primary keys, in the order of `rows`; each row
    dict also gets its "id" (the caller's rows are written to, not copied)."""
    if not rows:
        return []
    if len(rows) >= COPY_MIN_ROWS and is_postgresql(session):
        ids = _set_ids(rows, await allocate_ids(session, table, len(rows)))
        await _copy(session, table, rows)
        return ids
    result = await session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
    )
    return _set_ids(rows, list(result.scalars().all()))


def _set_ids(rows: Sequence[dict[str, Any]], ids: list[int]) -> list[int]:
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    return ids


async def allocate_ids(session: AsyncSession, table: Table, count: int) -> list[int]:
    """`count` fresh values of the table's id sequence (PostgreSQL only), ascending."""
    # One array value instead of `count` rows: row-by-row results cost ~40 % more here.
    query = text(
        "SELECT array_agg(nextval(pg_get_serial_sequence(:table, 'id'))) "
        "FROM generate_series(1, :count)"
    )
    ids = (await session.execute(query, {"table": table.name, "count": count})).scalar_one()
    return sorted(ids)


def insert_ignoring_conflicts(
    session: AsyncSession, table: Table, index_elements: list[str]
) -> Insert:
    """`INSERT … ON CONFLICT (index_elements) DO NOTHING` for PostgreSQL or SQLite."""
    insert_ = postgresql_insert if is_postgresql(session) else sqlite_insert
    return insert_(table).on_conflict_do_nothing(index_elements=index_elements)


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _copy(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    given = rows[0].keys()
    columns = [c for c in table.columns if c.name in given or c.default is not None]
    defaults = {c.name: _default(c) for c in columns if c.name not in given}
    names = [c.name for c in columns]
    pick = itemgetter(*names)
    records = [pick({**defaults, **row} if defaults else row) for row in rows]
    converted = [(i, f) for i, c in enumerate(columns) if (f := _converter(c)) is not None]
    if converted:
        records = [_convert(record, converted) for record in records]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=names)


def _convert(record: tuple[Any, ...], converted: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(record)
    for index, convert in converted:
        values[index] = convert(values[index])
    return tuple(values)


def _default(column: Any) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg


def _json(value: Any) -> Any:
    return None if value is None else orjson.dumps(value).decode()


def _utc(value: Any) -> Any:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime refused: times are timezone-aware UTC")
    return value


def _converter(column: Any) -> Any:
    if isinstance(column.type, JSON):
        return _json
    if isinstance(column.type, UtcDateTime):
        return _utc
    return None


@asynccontextmanager
async def custom_plans(session: AsyncSession) -> AsyncIterator[None]:
    """Plan the statements inside for their actual values (PostgreSQL), then go back to auto.

    asyncpg prepares every statement; after five runs PostgreSQL may switch to one generic
    plan and keep it. A lookup by a list of keys first run against a nearly empty table
    keeps its sequential scan while the table grows to millions of rows — until autovacuum
    next analyses it. Foreign-key checks must stay on cached plans (re-planning each one
    made `COPY` three times slower), hence only inside this block.
    """
    if not is_postgresql(session):
        yield
        return
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    try:
        yield
    finally:
        await session.execute(text("SET LOCAL plan_cache_mode = auto"))


def among_pairs(
    query: S,
    first: ColumnElement[Any],
    second: ColumnElement[Any],
    pairs: Iterable[tuple[Any, Any]],
) -> S:
    """The query narrowed to rows whose (first, second) may be one of `pairs`, in key order.

    Two plain IN lists the primary key serves (a row-valued IN list would scan the table);
    the caller keeps the pairs it asked for. Rows come (and are locked) in key order, so two
    workers locking them never wait on each other in a circle.
    """
    wanted = set(pairs)
    firsts, seconds = {a for a, _ in wanted}, {b for _, b in wanted}
    return query.where(first.in_(firsts), second.in_(seconds)).order_by(first, second)
