"""Per-connection sync work run side by side, bounded, and never twice at once for one shop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import Counter

# The name its records had before the runner left ticks.py (log filters and dashboards).
log = logging.getLogger("shopsync.adapters.kafka.ticks")


@dataclass
class ConnectionRunner:
    """Runs per-connection work side by side, at most `limit` at once, never twice for one shop.

    Each shop is paced on its own (3 requests/s), so one-at-a-time could not serve hundreds of
    shops. Ticks are periodic and the work resumable: a tick lost in a crash only delays that
    shop by one interval.
    """

    work: Callable[[int], Awaitable[object]]
    limit: int
    skipped: Counter
    _running: dict[int, asyncio.Task[object]] = field(default_factory=dict, init=False)
    _slots: asyncio.Semaphore | None = field(default=None, init=False)

    def busy(self, connection_id: int) -> bool:
        current = self._running.get(connection_id)
        return current is not None and not current.done()

    def start(self, connection_id: int) -> None:
        if self.busy(connection_id):
            self.skipped.inc()
            return
        self._running[connection_id] = asyncio.create_task(self._run(connection_id))

    async def _run(self, connection_id: int) -> object:
        if self._slots is None:  # born in the worker's running loop
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            try:
                return await self.work(connection_id)
            except Exception as exc:  # that shop's turn failed; the next tick tries again
                log.warning("sync of connection %s failed: %r", connection_id, exc)
                return None
