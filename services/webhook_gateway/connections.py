"""Looking up a connection by id for the webhook, cached briefly so load spares the database."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.db.models import ShopConnection

log = logging.getLogger(__name__)


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
    """Connections by id, cached; the cache is dropped as soon as any connection changes."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], ttl_s: float) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._cache: dict[int, tuple[float, ConnectionEntry | None]] = {}
        self._version: tuple[object, int] | None = None

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
                    select(func.max(ShopConnection.updated_at), func.count(ShopConnection.id))
                )
            ).one()
        version = (row[0], int(row[1]))
        if version != self._version:
            self._cache.clear()
            self._version = version

    async def get(self, connection_id: int) -> ConnectionEntry | None:
        now = time.monotonic()
        cached = self._cache.get(connection_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        entry = await self._load(connection_id)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[connection_id] = (now + self._ttl_s, entry)
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
