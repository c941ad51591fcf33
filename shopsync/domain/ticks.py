"""Spreading periodic sync ticks of many connections over their interval."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


def phase(connection_id: int, interval_s: float) -> float:
    """A stable offset inside the interval, so a thousand shops do not fire at once."""
    return (zlib.crc32(str(connection_id).encode()) % 10_000) / 10_000 * interval_s


@dataclass
class TickSchedule:
    """Which connections are due at a moment; each fires once per its interval."""

    next_due: dict[int, float] = field(default_factory=dict)

    def due(self, now: float, intervals: dict[int, float]) -> list[int]:
        """Connections due at `now`, given the enabled ones and their intervals (seconds)."""
        for gone in set(self.next_due) - set(intervals):
            del self.next_due[gone]
        fired = []
        for connection_id, interval in intervals.items():
            if connection_id not in self.next_due:
                cycle_start = now - now % interval
                first = cycle_start + phase(connection_id, interval)
                self.next_due[connection_id] = first if first >= now else first + interval
            if now >= self.next_due[connection_id]:
                fired.append(connection_id)
                self.next_due[connection_id] += interval * (
                    1 + (now - self.next_due[connection_id]) // interval
                )
        return fired
