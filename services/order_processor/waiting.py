"""The gauges of what waits for an operator (dead letters, held orders), counted every
`COUNT_S` from the database by the order processor."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.order_processor.metrics import WaitingMetrics
from shopsync.adapters.db.waiting_failures import waiting_failures

COUNT_S = 15.0


@dataclass
class WaitingCounts:
    sessions: async_sessionmaker[AsyncSession]
    metrics: WaitingMetrics
    _seen: dict[str, set[str]] = field(default_factory=dict, init=False)

    async def count(self) -> None:
        """Set each gauge; a label that waited before and no longer does shows 0."""
        async with self.sessions() as session:
            waiting = await waiting_failures(session)
        self._set(self.metrics.dead_letters, "consumer", waiting.dead_letters)
        self._set(self.metrics.held_orders, "field", waiting.held_orders)

    def _set(self, gauge: Gauge, label: str, counts: dict[str, int]) -> None:
        seen = self._seen.setdefault(label, set())
        seen.update(counts)
        for value in seen:
            gauge.labels(**{label: value}).set(counts.get(value, 0))
