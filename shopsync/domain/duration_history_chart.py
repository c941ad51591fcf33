"""Each flow's sync runs over the last 7 days as marks to draw (SVG), days on Budapest's clock.

A run is a stem from the baseline as tall as its share of the flow's longest run in the window,
placed where it started; a failed run keeps its height but is flagged, so the template draws
it apart. The axis has a tick at every Budapest midnight; the template writes the day in the
page's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shopsync.domain.budapest import BUDAPEST
from shopsync.domain.sync_runs import FinishedRun

WINDOW = timedelta(days=7)
WIDTH = 720
HEIGHT = 120
PLOT_TOP = 14
PLOT_BOTTOM = 96  # below it the day ticks and their labels
MAX_MARKS = 1500  # beyond it, per x the longest ok and the longest failed run are drawn


@dataclass(frozen=True)
class RunMark:
    """One run: its stem's foot x, top y and height, and what it was."""

    x: float
    y: float
    height: float
    seconds: float
    started_at: datetime
    ok: bool


@dataclass(frozen=True)
class DayTick:
    """A Budapest midnight inside the window, at x."""

    x: float
    day: date


@dataclass(frozen=True)
class FlowHistory:
    """One flow's runs in the window ending at `end`, scaled to its longest."""

    flow: str
    marks: tuple[RunMark, ...]
    ticks: tuple[DayTick, ...]
    runs: int
    failed: int
    longest: float
    width: int = WIDTH
    height: int = HEIGHT
    top: int = PLOT_TOP
    baseline: int = PLOT_BOTTOM


def flow_history(flow: str, runs: Iterable[FinishedRun], end: datetime) -> FlowHistory:
    """The marks of the flow's runs that started within the 7 days before `end`."""
    start = end - WINDOW
    shown = sorted(
        (r for r in runs if r.flow == flow and start <= r.started_at <= end),
        key=lambda r: r.started_at,
    )
    longest = max((r.seconds for r in shown), default=0.0)
    marks = _thinned([_mark(r, start, longest) for r in shown])
    failed = sum(not r.ok for r in shown)
    return FlowHistory(flow, marks, day_ticks(start, end), len(shown), failed, longest)


def _x(moment: datetime, start: datetime) -> float:
    return round(WIDTH * (moment - start) / WINDOW, 2)


def _mark(run: FinishedRun, start: datetime, longest: float) -> RunMark:
    share = run.seconds / longest if longest > 0 else 0.0
    height = round((PLOT_BOTTOM - PLOT_TOP) * share, 2)
    x = _x(run.started_at, start)
    return RunMark(x, round(PLOT_BOTTOM - height, 2), height, run.seconds, run.started_at, run.ok)


def _thinned(marks: list[RunMark]) -> tuple[RunMark, ...]:
    """All marks while they are few; else per whole x the tallest ok and tallest failed one."""
    if len(marks) <= MAX_MARKS:
        return tuple(marks)
    tallest: dict[tuple[int, bool], RunMark] = {}
    for mark in marks:
        key = (int(mark.x), mark.ok)
        if key not in tallest or mark.height > tallest[key].height:
            tallest[key] = mark
    return tuple(sorted(tallest.values(), key=lambda m: m.started_at))


def day_ticks(start: datetime, end: datetime) -> tuple[DayTick, ...]:
    """A tick at each Budapest midnight after `start` and not after `end`."""
    day = start.astimezone(BUDAPEST).date() + timedelta(days=1)
    ticks = []
    while (midnight := datetime.combine(day, datetime.min.time(), BUDAPEST)) <= end:
        ticks.append(DayTick(_x(midnight, start), day))
        day += timedelta(days=1)
    return tuple(ticks)
