"""`shopsync operators add|list` on PostgreSQL: argon2 hashes, roles, refusals in one line."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Operator
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.operators import authenticate
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
