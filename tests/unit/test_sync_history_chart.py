"""Each flow's runs over 7 days become stems as tall as their share of the longest run, failed
ones flagged, days ticked at Budapest midnights; what the history keeps and for how long."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from shopsync.domain.duration_history_chart import (
    MAX_MARKS,
    PLOT_BOTTOM,
    PLOT_TOP,
    WIDTH,
    day_ticks,
    flow_history,
)
from shopsync.domain.sync_runs import (
    CATALOG_DOWNLOAD,
    KEPT,
    STOCK_RECONCILE,
    STOCK_UPLOAD,
    FinishedRun,
    prune_before,
    push_worth_keeping,
    run_ended,
    run_until,
)

END = datetime(2026, 3, 8, 10, 30, tzinfo=UTC)  # 11:30 in Budapest (CET)


def _run(
    hours_ago: float, seconds: float, ok: bool = True, flow: str = CATALOG_DOWNLOAD
) -> FinishedRun:
    return FinishedRun(flow, END - timedelta(hours=hours_ago), seconds, ok)


def test_a_run_twice_as_long_is_drawn_twice_as_high_from_the_baseline() -> None:
    chart = flow_history(CATALOG_DOWNLOAD, [_run(30, 10.0), _run(20, 20.0), _run(10, 40.0)], END)
    heights = [m.height for m in chart.marks]
    assert heights[1] == 2 * heights[0] and heights[2] == 2 * heights[1]
    assert heights[2] == PLOT_BOTTOM - PLOT_TOP and chart.longest == 40.0
    assert all(m.y + m.height == PLOT_BOTTOM for m in chart.marks)


def test_runs_stand_where_they_started_in_time_order() -> None:
    chart = flow_history(
        CATALOG_DOWNLOAD, [_run(0, 1.0), _run(7 * 24, 1.0), _run(3.5 * 24, 1.0)], END
    )
    assert [m.x for m in chart.marks] == [0.0, WIDTH / 2, WIDTH]


def test_failed_runs_are_flagged_and_counted_but_keep_their_height() -> None:
    chart = flow_history(CATALOG_DOWNLOAD, [_run(5, 8.0), _run(4, 8.0, ok=False)], END)
    ok, failed = chart.marks
    assert (ok.ok, failed.ok) == (True, False) and ok.height == failed.height
    assert (chart.runs, chart.failed) == (2, 1)


def test_runs_outside_the_seven_days_or_of_other_flows_are_left_out() -> None:
    runs = [
        _run(7 * 24 + 1, 500.0),  # before the window: would otherwise be the longest
        _run(-1, 500.0),  # after its end
        _run(2, 900.0, flow=STOCK_RECONCILE),
        _run(2, 5.0),
    ]
    chart = flow_history(CATALOG_DOWNLOAD, runs, END)
    assert [m.seconds for m in chart.marks] == [5.0] and chart.longest == 5.0 and chart.runs == 1


def test_a_flow_without_runs_draws_no_marks_but_keeps_its_day_ticks() -> None:
    chart = flow_history(STOCK_UPLOAD, [], END)
    assert chart.marks == () and chart.longest == 0.0 and len(chart.ticks) == 7


def test_day_ticks_fall_on_budapest_midnights_also_across_the_clock_change() -> None:
    end = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # summer time began on 29 March
    ticks = day_ticks(end - timedelta(days=7), end)
    assert [t.day for t in ticks] == [date(2026, 3, d) for d in range(25, 32)]
    slot = WIDTH / (7 * 24)  # per hour
    gaps = [round((b.x - a.x) / slot, 1) for a, b in pairwise(ticks)]
    assert gaps == [24, 24, 24, 24, 23, 24]  # 29 March, the day of the change, had 23 hours


def test_a_very_busy_flow_is_thinned_to_the_longest_ok_and_failed_run_per_x() -> None:
    runs = [_run(h / 20, 1.0 + h % 7, ok=h % 50 != 0) for h in range(3000)]
    chart = flow_history(CATALOG_DOWNLOAD, runs, END)
    assert len(chart.marks) <= 2 * (WIDTH + 1) < MAX_MARKS and chart.runs == 3000
    assert any(not m.ok for m in chart.marks)
    assert max(m.height for m in chart.marks) == PLOT_BOTTOM - PLOT_TOP


def test_pushes_are_kept_when_they_fail_outright_change_outcome_or_a_minute_passed() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def kept(ended_s_ago: float, ok: bool = True) -> FinishedRun:
        return FinishedRun(STOCK_UPLOAD, now - timedelta(seconds=ended_s_ago + 0.5), 0.5, ok)

    def keeps(pushed: int, ok: bool, last: FinishedRun | None, paused: bool = False) -> bool:
        return push_worth_keeping(pushed, ok, paused, last, now)

    assert keeps(3, ok=True, last=None)
    assert keeps(0, ok=False, last=kept(0), paused=True)  # failed outright: always
    assert not keeps(0, ok=True, last=None)  # nothing to send
    # pushes every second while stock is owed: one a minute is kept, and each change
    assert not keeps(3, ok=True, last=kept(59))
    assert keeps(3, ok=True, last=kept(60))
    assert keeps(3, ok=True, last=kept(1, ok=False))  # the recovery
    # a SKU the shop refuses at every push (no pause follows): the first, then one a minute
    assert keeps(2, ok=False, last=kept(1))
    assert not keeps(2, ok=False, last=kept(1, ok=False))
    assert keeps(2, ok=False, last=kept(60, ok=False))


def test_tick_runs_cut_the_history_eight_days_back_and_stock_pushes_do_not() -> None:
    assert prune_before(_run(0, 1.0)) == END - KEPT == END - timedelta(days=8)
    assert prune_before(_run(0, 1.0, flow=STOCK_UPLOAD)) is None


def test_a_run_lasts_from_its_start_to_its_end_and_never_less_than_nothing() -> None:
    run = run_until(CATALOG_DOWNLOAD, END, END + timedelta(seconds=90), ok=False)
    assert (run.seconds, run.result) == (90.0, "failed")
    assert run_until(CATALOG_DOWNLOAD, END, END - timedelta(seconds=1), ok=True).seconds == 0.0


def test_a_run_timed_on_a_monotonic_clock_started_that_long_before_its_end() -> None:
    run = run_ended(STOCK_UPLOAD, END, 2.5, ok=True)
    assert (run.started_at, run.seconds, run.result) == (END - timedelta(seconds=2.5), 2.5, "ok")
    assert run_ended(STOCK_UPLOAD, END, -0.1, ok=False).started_at == END
