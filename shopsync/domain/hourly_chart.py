"""Counts per hour as a bar chart to draw (SVG coordinates), days labelled on Budapest's clock.

Budapest's offset from UTC is a whole number of hours, so a UTC hour is a Budapest hour too:
counts are kept by the UTC hour they began in and only the labels are local.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shopsync.domain.budapest import BUDAPEST

WEEK_HOURS = 7 * 24
WIDTH = 720  # the viewBox: the page scales it to its width
HEIGHT = 160
PLOT_TOP = 16
PLOT_BOTTOM = 136  # below it the day labels


@dataclass(frozen=True)
class Bar:
    """One hour with something in it: where its bar is drawn and what it counts."""

    x: float
    y: float
    width: float
    height: float
    hour: datetime
    value: int


@dataclass(frozen=True)
class AxisLabel:
    """A day's name under the chart, where the day begins (Budapest midnight)."""

    x: float
    text: str


@dataclass(frozen=True)
class HourlyChart:
    """A chart of `hours` hour slots ending with the hour of `end`."""

    bars: tuple[Bar, ...]
    labels: tuple[AxisLabel, ...]
    max_value: int
    total: int
    first_hour: datetime
    hours: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = PLOT_BOTTOM


def hour_of(moment: datetime) -> datetime:
    """The start of the hour `moment` falls in (aware, UTC)."""
    local = moment.astimezone(BUDAPEST)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def per_hour(moments: Iterable[datetime]) -> Counter[datetime]:
    """How many of the moments fell in each hour."""
    return Counter(hour_of(m) for m in moments)


def hourly_chart(
    counts: Mapping[datetime, int], end: datetime, hours: int = WEEK_HOURS
) -> HourlyChart:
    """The bars of the hours in the window that counted anything, scaled to the busiest hour."""
    first = hour_of(end) - timedelta(hours=hours - 1)
    slot = WIDTH / hours
    shown = {h: n for h, n in counts.items() if n > 0 and 0 <= _index(first, h) < hours}
    top = max(shown.values(), default=0)
    bars = tuple(_bar(first, slot, hour, n, top) for hour, n in sorted(shown.items()))
    return HourlyChart(
        bars, _day_labels(first, hours, slot), top, sum(shown.values()), first, hours
    )


def _index(first: datetime, hour: datetime) -> int:
    return int((hour_of(hour) - first).total_seconds() // 3600)


def _bar(first: datetime, slot: float, hour: datetime, value: int, top: int) -> Bar:
    height = (PLOT_BOTTOM - PLOT_TOP) * value / top
    x = _index(first, hour) * slot
    return Bar(
        round(x, 2),
        round(PLOT_BOTTOM - height, 2),
        round(slot * 0.8, 2),
        round(height, 2),
        hour,
        value,
    )


def _day_labels(first: datetime, hours: int, slot: float) -> tuple[AxisLabel, ...]:
    """A label where each Budapest day begins, and one for the day the window opens in."""
    labels = [AxisLabel(0.0, _day_text(first))]
    for index in range(1, hours):
        local = (first + timedelta(hours=index)).astimezone(BUDAPEST)
        if local.hour == 0 and index * slot - labels[-1].x > 40:
            labels.append(AxisLabel(round(index * slot, 2), _day_text(local)))
    return tuple(labels)


def _day_text(moment: datetime) -> str:
    local = moment.astimezone(BUDAPEST)
    return local.strftime("%m-%d %H:00") if local.hour else local.strftime("%m-%d")
