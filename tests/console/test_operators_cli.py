"""`shopsync operators add|list|remove|role|password` on PostgreSQL: argon2 hashes, roles,
refusals in one line, and every change of an operator ending their console sessions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Operator
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.console_sessions import open_session, session_operator
from shopsync.service_layer.operators import add_operator, authenticate
from tests.support import unique

pytestmark = pytest.mark.integration
PASSWORD = "a long enough password"


def shopsync(url: str, tmp_path: Any, *args: str, given: str | None = None) -> Result:
    env = {"DATABASE_URL": url, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    return CliRunner().invoke(cli, list(args), env=env, input=given)


async def stored(url: str, email: str) -> tuple[str, bool]:
    engine = create_engine(url)
    async with session_factory(engine)() as db:
        row = (await db.execute(select(Operator).where(Operator.email == email))).scalar_one()
        logged_in = await authenticate(db, email, PASSWORD) is not None
    await engine.dispose()
    return row.password_hash, logged_in


def test_an_operator_added_with_a_prompted_password_can_log_in(
    pg_database_url: str, tmp_path: Any
) -> None:
    email = unique("op-") + "@example.hu"
    added = shopsync(
        pg_database_url,
        tmp_path,
        "operators",
        "add",
        email,
        "--role",
        "viewer",
        given=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    assert f"operator {email} added (viewer)" in added.output
    password_hash, logged_in = asyncio.run(stored(pg_database_url, email))
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash
    assert logged_in
    listed = shopsync(pg_database_url, tmp_path, "operators", "list")
    assert email in listed.output and "viewer" in listed.output


def test_a_taken_email_a_short_password_and_an_unknown_role_are_refused(
    pg_database_url: str, tmp_path: Any
) -> None:
    email = unique("op-") + "@example.hu"
    add = ("operators", "add", email, "--role", "admin", "--password")
    assert shopsync(pg_database_url, tmp_path, *add, PASSWORD).exit_code == 0
    again = shopsync(pg_database_url, tmp_path, *add, PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.output
    short = shopsync(pg_database_url, tmp_path, *add[:-1], "--password", "short")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    role = shopsync(pg_database_url, tmp_path, "operators", "add", email, "--role", "root")
    assert role.exit_code == 2


async def logged_in_twice(url: str, email: str) -> list[str]:
    """A new operator with two open console sessions (two browsers); their ids."""
    engine = create_engine(url)
    async with session_factory(engine)() as db:
        operator = await add_operator(db, email, "admin", PASSWORD)
        sids = [await open_session(db, operator.id, datetime.now(UTC)) for _ in range(2)]
        await db.commit()
    await engine.dispose()
    return sids


async def still_open(url: str, sids: list[str]) -> list[bool]:
    engine = create_engine(url)
    async with session_factory(engine)() as db:
        found = [await session_operator(db, sid, datetime.now(UTC)) for sid in sids]
    await engine.dispose()
    return [operator is not None for operator in found]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("remove",), "removed"),
        (("role", "--role", "viewer"), "is now viewer"),
        (("password", "--password", "another long password"), "password changed"),
    ],
)
def test_removing_an_operator_or_changing_their_role_or_password_ends_their_sessions(
    pg_database_url: str, tmp_path: Any, change: tuple[str, ...], said: str
) -> None:
    email, other = (unique("op-") + "@example.hu" for _ in range(2))
    sids = asyncio.run(logged_in_twice(pg_database_url, email))
    others = asyncio.run(logged_in_twice(pg_database_url, other))
    done = shopsync(pg_database_url, tmp_path, "operators", change[0], email, *change[1:])
    assert done.exit_code == 0 and said in done.output, done.output
    assert asyncio.run(still_open(pg_database_url, sids)) == [False, False]
    assert asyncio.run(still_open(pg_database_url, others)) == [True, True]


async def can_log_in(url: str, email: str, password: str) -> bool:
    engine = create_engine(url)
    async with session_factory(engine)() as db:
        operator = await authenticate(db, email, password)
    await engine.dispose()
    return operator is not None


def test_a_removed_operator_cannot_log_in_and_a_new_password_replaces_the_old(
    pg_database_url: str, tmp_path: Any
) -> None:
    gone, renewed = (unique("op-") + "@example.hu" for _ in range(2))
    asyncio.run(logged_in_twice(pg_database_url, gone))
    asyncio.run(logged_in_twice(pg_database_url, renewed))
    assert shopsync(pg_database_url, tmp_path, "operators", "remove", gone).exit_code == 0
    assert not asyncio.run(can_log_in(pg_database_url, gone, PASSWORD))
    assert gone not in shopsync(pg_database_url, tmp_path, "operators", "list").output
    new = "another long password"
    given = f"{new}\n{new}\n"
    changed = shopsync(pg_database_url, tmp_path, "operators", "password", renewed, given=given)
    assert changed.exit_code == 0, changed.output
    assert not asyncio.run(can_log_in(pg_database_url, renewed, PASSWORD))
    assert asyncio.run(can_log_in(pg_database_url, renewed, new))
    again = shopsync(pg_database_url, tmp_path, "operators", "remove", gone)
    assert again.exit_code == 1 and f"no operator {gone}" in again.output
    short = shopsync(pg_database_url, tmp_path, "operators", "password", renewed, "--password", "x")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
