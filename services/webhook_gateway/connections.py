"""Looking up a connection by id for the webhook, cached briefly so load spares the database."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
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


@dataclass(eq=False)
class ConnectionDirectory:
    """Connections by id, cached; the cache is dropped as soon as any connection changes.

    An id far above the highest one that exists costs no query at all (a connection created
    since the last look is at most NEW_IDS above it); other unknown ids are
    remembered (as None) in a bounded LRU, so a flood of made-up ids neither reaches the
    database every time nor pushes the real connections out wholesale.
    """

    sessions: async_sessionmaker[AsyncSession]
    ttl_s: float
    max_cached: int = 100_000
    _cache: OrderedDict[int, tuple[float, ConnectionEntry | None]] = field(
        default_factory=OrderedDict, init=False
    )
    _version: tuple[object, int, int] | None = field(default=None, init=False)

    async def watch(self, interval_s: float = 0.5) -> None:
        """Poll one cheap aggregate; a rotated token or a switch-off lands within interval_s."""
        while True:
            try:
                await self.check_for_changes()
            except Exception as exc:  # the database may blip; the TTL still bounds staleness
                log.warning("connection change check failed: %r", exc)
            await asyncio.sleep(interval_s)

    async def check_for_changes(self) -> None:
        version = await self._table_version()
        if version != self._version:
            self._cache.clear()
            self._version = version

    async def _table_version(self) -> tuple[object, int, int]:
        """Latest change, count and highest id: a create, change or delete moves one of them."""
        async with self.sessions() as session:
            row = (await session.execute(_version_query())).one()
        return row[0], int(row[1]), int(row[2] or 0)

    async def get(self, connection_id: int) -> ConnectionEntry | None:
        if self._version is not None and connection_id > self._version[2] + NEW_IDS:
            return None  # far above every id there is: made up, no query
        now = time.monotonic()
        cached = self._cache.get(connection_id)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(connection_id)
            return cached[1]
        entry = await self._load(connection_id)
        self._remember(connection_id, entry, now + self.ttl_s)
        return entry

    def _remember(self, connection_id: int, entry: ConnectionEntry | None, until: float) -> None:
        """Cache the entry (or its absence) until `until`; past max_cached, the least recent go."""
        self._cache[connection_id] = (until, entry)
        self._cache.move_to_end(connection_id)
        while len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)

    def invalidate(self, connection_id: int | None = None) -> None:
        if connection_id is None:
            self._cache.clear()
        else:
            self._cache.pop(connection_id, None)

    async def _load(self, connection_id: int) -> ConnectionEntry | None:
        async with self.sessions() as session:
            row = (await session.execute(_entry_query(connection_id))).one_or_none()
        return None if row is None else ConnectionEntry(row[0], row[1], row[2], row[3], row[4])


def _version_query() -> Select[datetime, int, int]:
    return select(
        func.max(ShopConnection.updated_at),
        func.count(ShopConnection.id),
        func.max(ShopConnection.id),
    )


def _entry_query(connection_id: int) -> Select[int, int, str, bool, bool]:
    return select(
        ShopConnection.id,
        ShopConnection.account_id,
        ShopConnection.webhook_token_hash,
        ShopConnection.enabled,
        ShopConnection.orders_enabled,
    ).where(ShopConnection.id == connection_id)
