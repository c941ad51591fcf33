"""Failed console logins kept in the database, so that the throttle's wait survives a restart
and is the same in every console process; the rule itself is the domain's LoginThrottle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import LoginFailure
from shopsync.domain.login_throttle import LoginThrottle

KEY_CHARS = 400  # login_failures.key


def failure_keys(address: str | None, email: str) -> tuple[str, str]:
    """What a login is counted under: the caller's address and the account tried, cut to the
    column (an e-mail that long is no operator's; uncut, its insert failed: a 500, uncounted)."""
    return f"address:{address}"[:KEY_CHARS], f"account:{email}"[:KEY_CHARS]


async def login_wait_s(
    session: AsyncSession, throttle: LoginThrottle, keys: Sequence[str], now: datetime
) -> float:
    """Seconds until a login under these keys may be tried again (0: now)."""
    query = select(LoginFailure.key, LoginFailure.at).where(
        LoginFailure.key.in_(keys), LoginFailure.at > throttle.counted_since(now)
    )
    times: dict[str, list[datetime]] = {key: [] for key in keys}
    for key, at in await session.execute(query):
        times[key].append(at)
    return throttle.wait_s(times.values(), now)


async def record_failure(
    session: AsyncSession, throttle: LoginThrottle, keys: Sequence[str], now: datetime
) -> None:
    """Count a failed login against each key; failures past the window are dropped for good."""
    await session.execute(
        delete(LoginFailure).where(LoginFailure.at <= throttle.counted_since(now))
    )
    session.add_all(LoginFailure(key=key, at=now) for key in keys)
    await session.flush()


async def forget_failures(session: AsyncSession, key: str) -> None:
    """A successful login forgets that key's failures (the account's, not the address's)."""
    await session.execute(delete(LoginFailure).where(LoginFailure.key == key))
