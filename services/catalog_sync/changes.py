"""Local catalog changes start an upload at once, for every shop of the account that uploads.

Changes are gathered per account and acted on together (an import of a thousand products is
one upload per shop, not a thousand); a shop whose cycle is still running keeps its turn for
the next round, so a change made during a cycle is uploaded right after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.kafka.records import CatalogChanged
from shopsync.adapters.kafka.ticks import ConnectionRunner


@dataclass
class UploadOnChange:
    sessions: async_sessionmaker[AsyncSession]
    runner: ConnectionRunner
    _accounts: set[int] = field(default_factory=set, init=False)
    # connections whose cycle was running
    _waiting: set[int] = field(default_factory=set, init=False)

    def heard(self, change: CatalogChanged) -> None:
        if change.origin == "local":  # a download's own changes came from the shop
            self._accounts.add(change.account_id)

    async def start_due(self) -> int:
        """Start the upload of every connection owed one; how many started."""
        accounts, self._accounts = self._accounts, set()
        due = self._waiting | await self._uploading(accounts)
        self._waiting = {cid for cid in due if self.runner.busy(cid)}
        return self._start(due - self._waiting)

    def _start(self, connection_ids: set[int]) -> int:
        for connection_id in connection_ids:
            self.runner.start(connection_id)
        return len(connection_ids)

    async def _uploading(self, accounts: set[int]) -> set[int]:
        if not accounts:
            return set()
        async with self.sessions() as session:
            return set((await session.execute(_uploading_in(accounts))).scalars())


def _uploading_in(accounts: set[int]) -> Select[int]:
    """The enabled connections of these accounts that upload products."""
    return select(ShopConnection.id).where(
        ShopConnection.account_id.in_(accounts),
        ShopConnection.enabled.is_(True),
        ShopConnection.products_upload_enabled.is_(True),
    )
