"""Local catalog changes start an upload at once, for every shop of the account that uploads.

Changes are gathered per account and acted on together (an import of a thousand products is
one upload per shop, not a thousand); a shop whose cycle is still running keeps its turn for
the next round, so a change made during a cycle is uploaded right after it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.kafka.records import CatalogChanged
from shopsync.adapters.kafka.ticks import ConnectionRunner


class UploadOnChange:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], runner: ConnectionRunner
    ) -> None:
        self._sessions = sessions
        self._runner = runner
        self._accounts: set[int] = set()
        self._waiting: set[int] = set()  # connections whose cycle was running

    def heard(self, change: CatalogChanged) -> None:
        if change.origin == "local":  # a download's own changes came from the shop
            self._accounts.add(change.account_id)

    async def start_due(self) -> int:
        """Start the upload of every connection owed one; how many started."""
        accounts, self._accounts = self._accounts, set()
        due = self._waiting | await self._uploading(accounts)
        self._waiting = {cid for cid in due if self._runner.busy(cid)}
        for connection_id in due - self._waiting:
            self._runner.start(connection_id)
        return len(due - self._waiting)

    async def _uploading(self, accounts: set[int]) -> set[int]:
        if not accounts:
            return set()
        async with self._sessions() as session:
            rows = await session.execute(
                select(ShopConnection.id).where(
                    ShopConnection.account_id.in_(accounts),
                    ShopConnection.enabled.is_(True),
                    ShopConnection.products_upload_enabled.is_(True),
                )
            )
            return set(rows.scalars())
