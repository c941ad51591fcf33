"""The rows behind console sessions and the login throttle, on PostgreSQL: expired ones refused
and pruned, failures counted from the table and dropped once past the throttle's window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import ConsoleSession, LoginFailure
from shopsync.domain.login_throttle import LoginThrottle
from shopsync.service_layer.console_sessions import (
    SESSION_LIFETIME,
    open_session,
    session_operator,
)
from shopsync.service_layer.login_failures import forget_failures, login_wait_s, record_failure
from shopsync.service_layer.operators import add_operator
from tests.support import unique

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
async def db(pg_database_url: str) -> AsyncIterator[Any]:
    engine = create_engine(pg_database_url)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


async def _sessions_left(db: Any, sids: list[str]) -> int:
    query = select(func.count()).where(ConsoleSession.sid.in_(sids))
    return int((await db.execute(query)).scalar_one())


async def test_a_session_opens_until_its_lifetime_is_over_and_the_next_login_prunes_it(
    db: Any,
) -> None:
    operator = await add_operator(db, unique("op-") + "@example.hu", "viewer", "long enough pw!")
    old = await open_session(db, operator.id, NOW - SESSION_LIFETIME - timedelta(minutes=1))
    assert await session_operator(db, old, NOW - timedelta(hours=1)) == operator
    assert await session_operator(db, old, NOW) is None
    new = await open_session(db, operator.id, NOW)
    assert await session_operator(db, new, NOW) == operator
    assert await _sessions_left(db, [old, new]) == 1
    assert await session_operator(db, "a-made-up-session-id", NOW) is None


async def test_failures_are_counted_from_the_table_and_dropped_past_the_window(db: Any) -> None:
    throttle = LoginThrottle(free=2, first_wait_s=2, window_s=60)
    keys = (f"address:{unique('a-')}", f"account:{unique('b-')}")
    await record_failure(db, throttle, keys, NOW - timedelta(seconds=90))
    await record_failure(db, throttle, keys, NOW - timedelta(seconds=1))
    assert await login_wait_s(db, throttle, keys, NOW) == 0  # the first is past the window
    await record_failure(db, throttle, keys, NOW)
    assert await login_wait_s(db, throttle, keys, NOW) == 2
    query = select(func.count()).where(LoginFailure.key.in_(keys))
    assert (await db.execute(query)).scalar_one() == 4  # the 90-second-old pair pruned
    await forget_failures(db, keys[1])
    assert await login_wait_s(db, throttle, keys[1:], NOW) == 0
    assert await login_wait_s(db, throttle, keys, NOW) == 2
