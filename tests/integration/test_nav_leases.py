"""Two nav-reporters and one account: only the lease holder works on it, until its lease ends."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import Account, NavCredentials
from shopsync.adapters.db.nav_leases import SqlAlchemyNavLeases
from tests.support import unique

pytestmark = pytest.mark.integration


async def an_account(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        account = Account(name=unique("nav-lease-"))
        session.add(account)
        await session.flush()
        session.add(
            NavCredentials(
                account_id=account.id,
                login="user",
                tax_number="12345678",
                password_encrypted="x",
                signing_key_encrypted="x",
                exchange_key_encrypted="x",
            )
        )
        await session.commit()
        return account.id


async def test_an_account_is_worked_on_by_one_reporter_until_its_lease_runs_out(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account = await an_account(sessions)
    first = SqlAlchemyNavLeases(sessions, "host:1:a", lease_s=0.5)
    second = SqlAlchemyNavLeases(sessions, "host:2:b", lease_s=0.5)
    assert await first.take(account)
    assert not await second.take(account)  # held
    assert await first.take(account)  # renewed by its holder
    await asyncio.sleep(0.7)  # the holder died: its lease runs out
    assert await second.take(account)
    assert not await first.take(account)
    await second.release(account)
    assert await first.take(account)  # given up: free at once


async def test_two_reporters_taking_one_account_at_the_same_moment_get_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    account = await an_account(sessions)
    leases = [SqlAlchemyNavLeases(sessions, f"host:{n}:x") for n in range(5)]
    taken = await asyncio.gather(*(lease.take(account) for lease in leases))
    assert sum(taken) == 1
