"""Looking up a connection by id for the webhook, cached briefly so load spares the database."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import ShopConnection

log = logging.getLogger(__name__)
#: How many connections may have been created between two looks at the table (0.5 s).
NEW_IDS = 1000


@dataclass(frozen=True)
class ConnectionEntry:
    connection_id: int
    account_id: int
    token_hash: str
    enabled: bool
    orders_enabled: bool

    def accepts_token(self, token: str) -> bool:
        candidate = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        return hmac.compare_digest(candidate, self.token_hash)


class ConnectionDirectory:
    """Connections by id, cached; the cache is dropped as soon as any connection changes.

    An id far above the highest one that exists costs no query at all (a connection created
    since the last look is at most NEW_IDS above it); other unknown ids are
    remembered (as None) in a bounded LRU, so a flood of made-up ids neither reaches the
    database every time nor pushes the real connections out wholesale.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], ttl_s: float, max_cached: int = 100_000
    ) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._max_cached = max_cached
        self._cache: OrderedDict[int, tuple[float, ConnectionEntry | None]] = OrderedDict()
        self._version: tuple[object, int, int] | None = None

    async def watch(self, interval_s: float = 0.5) -> None:
        """Poll one cheap aggregate; a rotated token or a switch-off lands within interval_s."""
        while True:
            try:
                await self.check_for_changes()
            except Exception as exc:  # the database may blip; the TTL still bounds staleness
                log.warning("connection change check failed: %r", exc)
            await asyncio.sleep(interval_s)

    async def check_for_changes(self) -> None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(
                        func.max(ShopConnection.updated_at),
                        func.count(ShopConnection.id),
                        func.max(ShopConnection.id),
                    )
                )
            ).one()
        version = (row[0], int(row[1]), int(row[2] or 0))
        if version != self._version:
            self._cache.clear()
            self._version = version

    async def get(self, connection_id: int) -> ConnectionEntry | None:
        if self._version is not None and connection_id > self._version[2] + NEW_IDS:
            return None  # far above every id there is: made up, no query
        now = time.monotonic()
        cached = self._cache.get(connection_id)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(connection_id)
            return cached[1]
        entry = await self._load(connection_id)
        self._cache[connection_id] = (now + self._ttl_s, entry)
        self._cache.move_to_end(connection_id)
        while len(self._cache) > self._max_cached:
            self._cache.popitem(last=False)
        return entry

    def invalidate(self, connection_id: int | None = None) -> None:
        if connection_id is None:
            self._cache.clear()
        else:
            self._cache.pop(connection_id, None)

    async def _load(self, connection_id: int) -> ConnectionEntry | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(
                        ShopConnection.id,
                        ShopConnection.account_id,
                        ShopConnection.webhook_token_hash,
                        ShopConnection.enabled,
                        ShopConnection.orders_enabled,
                    ).where(ShopConnection.id == connection_id)
                )
            ).one_or_none()
        if row is None:
            return None
        return ConnectionEntry(row[0], row[1], row[2], row[3], row[4])
