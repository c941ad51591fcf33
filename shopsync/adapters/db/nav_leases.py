"""Which nav-reporter works on an account: a lease in `nav_credentials`, taken by compare-and-set.

Two reporters (`up --workers`, replicas) must never send one account's reports side by side:
that could put one invoice into two requests. Each takes an account's lease before working on
it and renews it at every step; a reporter that died loses it when it runs out, and the next
holder treats what it had sent as in doubt (asked of NAV before anything is sent again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import NavCredentials

#: How long a lease lasts without renewal: longer than any one step (a request with its
#: retries), and no longer than NAV's own settling, which a lost answer waits out anyway.
LEASE_S = 300.0


@dataclass
class SqlAlchemyNavLeases:
    sessions: async_sessionmaker[AsyncSession]
    holder: str  # this process: host, pid and a random part
    lease_s: float = LEASE_S

    async def take(self, account_id: int) -> bool:
        """Take or renew the account's lease; False while another reporter holds it."""
        now = datetime.now(UTC)
        free = or_(
            NavCredentials.lease_until.is_(None),
            NavCredentials.lease_until < now,
            NavCredentials.lease_holder == self.holder,
        )
        statement = (
            update(NavCredentials)
            .where(NavCredentials.account_id == account_id, free)
            .values(lease_holder=self.holder, lease_until=now + timedelta(seconds=self.lease_s))
            .execution_options(synchronize_session=False)
        )
        async with self.sessions() as session:
            result = await session.execute(statement)
            await session.commit()
        return bool(getattr(result, "rowcount", 0) == 1)

    async def release(self, account_id: int) -> None:
        """Give the account up (this reporter stops): another may take it at once."""
        statement = (
            update(NavCredentials)
            .where(
                NavCredentials.account_id == account_id,
                NavCredentials.lease_holder == self.holder,
            )
            .values(lease_until=None)
            .execution_options(synchronize_session=False)
        )
        async with self.sessions() as session:
            await session.execute(statement)
            await session.commit()
