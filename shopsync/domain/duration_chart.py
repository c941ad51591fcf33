"""The latest sync cycles' durations as horizontal bars to draw, scaled to the longest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

WIDTH = 720
ROW = 28
LABEL_WIDTH = 160
BAR_ROOM = WIDTH - LABEL_WIDTH - 90  # right of a bar: its figure


@dataclass(frozen=True)
class DurationBar:
    """One flow's last cycle: its row, its bar's length and its seconds (None: none known)."""

    name: str
    y: int
    width: float
    seconds: float | None


@dataclass(frozen=True)
class DurationChart:
    """Bars for each flow in the order given; the height fits the rows."""

    bars: tuple[DurationBar, ...]
    longest: float
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        """Room for every row."""
        return max(len(self.bars), 1) * ROW


def duration_chart(durations: Mapping[str, float | None]) -> DurationChart:
    """A bar per flow; a flow with no finished cycle gets no bar but keeps its row."""
    known = [s for s in durations.values() if s is not None and s > 0]
    longest = max(known, default=0.0)
    bars = tuple(
        DurationBar(name, index * ROW, _length(seconds, longest), seconds)
        for index, (name, seconds) in enumerate(durations.items())
    )
    return DurationChart(bars, longest)


def _length(seconds: float | None, longest: float) -> float:
    if seconds is None or seconds <= 0 or longest <= 0:
        return 0.0
    return round(BAR_ROOM * seconds / longest, 2)
