"""Spreading periodic sync ticks of many connections over their interval."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


def phase(connection_id: int, interval_s: float) -> float:
    """A stable offset inside the interval, so a thousand shops do not fire at once."""
    return (zlib.crc32(str(connection_id).encode()) % 10_000) / 10_000 * interval_s


def next_slot(connection_id: int, interval_s: float, now: float) -> float:
    """The connection's next moment on its phase, at or after `now`."""
    first = now - now % interval_s + phase(connection_id, interval_s)
    return first if first >= now else first + interval_s


@dataclass
class TickSchedule:
    """Which connections are due at a moment; each fires once per its interval.

    The connections enabled when the schedule starts are spread over the interval (a
    restart must not fire a thousand shops at once); one switched on later fires at once,
    so the operator sees its first cycle within seconds, then follows its phase.
    """

    next_due: dict[int, float] = field(default_factory=dict)
    started: bool = False

    def due(self, now: float, intervals: dict[int, float]) -> list[int]:
        """Connections due at `now`, given the enabled ones and their intervals (seconds)."""
        for gone in set(self.next_due) - set(intervals):
            del self.next_due[gone]
        fired = [c for c, interval in intervals.items() if self._fires(c, interval, now)]
        self.started = True
        return fired

    def _fires(self, connection_id: int, interval: float, now: float) -> bool:
        """Whether the connection fires at `now`; when it does, its next moment moves on."""
        if connection_id not in self.next_due:
            self.next_due[connection_id] = next_slot(connection_id, interval, now)
            if self.started:
                return True
        if now < self.next_due[connection_id]:
            return False
        missed = (now - self.next_due[connection_id]) // interval
        self.next_due[connection_id] += interval * (1 + missed)
        return True
