"""Per-hour counts become bars scaled to the busiest hour, with days named on Budapest's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shopsync.domain.duration_chart import duration_chart
from shopsync.domain.hourly_chart import PLOT_BOTTOM, PLOT_TOP, WIDTH, hourly_chart, per_hour

END = datetime(2026, 3, 8, 10, 30, tzinfo=UTC)  # 11:30 in Budapest (CET)


def test_no_counts_draw_no_bars_but_still_name_the_days() -> None:
    chart = hourly_chart({}, END)
    assert chart.bars == () and chart.max_value == 0 and chart.total == 0
    assert [label.text for label in chart.labels][:2] == ["03-01 12:00", "03-02"]


def test_one_busy_hour_fills_the_plot_at_the_right_edge() -> None:
    chart = hourly_chart(per_hour([END, END - timedelta(minutes=20)]), END)
    (bar,) = chart.bars
    assert bar.value == 2 and chart.max_value == 2 and chart.total == 2
    assert bar.y == PLOT_TOP and bar.y + bar.height == PLOT_BOTTOM
    assert WIDTH - 2 * (WIDTH / chart.hours) < bar.x < WIDTH


def test_a_week_of_hours_gives_168_bars_and_a_label_for_each_budapest_day() -> None:
    counts = {END - timedelta(hours=h): h % 5 + 1 for h in range(7 * 24)}
    chart = hourly_chart(per_hour_of(counts), END)
    assert len(chart.bars) == 168
    assert len(chart.labels) == 8  # the window opens at noon: its day and 7 midnights
    assert [b.x for b in chart.bars] == sorted(b.x for b in chart.bars)


def test_bars_are_as_tall_as_their_share_of_the_busiest_hour() -> None:
    counts = {END: 10, END - timedelta(hours=1): 5, END - timedelta(hours=2): 1}
    heights = {b.value: b.height for b in hourly_chart(per_hour_of(counts), END).bars}
    full = PLOT_BOTTOM - PLOT_TOP
    assert heights == {10: full, 5: full / 2, 1: full / 10}


def test_hours_outside_the_window_are_not_drawn_or_counted() -> None:
    counts = {END - timedelta(days=8): 50, END: 1}
    chart = hourly_chart(per_hour_of(counts), END)
    assert [b.value for b in chart.bars] == [1] and chart.total == 1


def test_the_longest_sync_cycle_gets_the_longest_bar_and_an_unknown_one_none() -> None:
    chart = duration_chart({"catalog": 30.0, "stock": 7.5, "never": None})
    lengths = {b.name: b.width for b in chart.bars}
    assert lengths["catalog"] == 4 * lengths["stock"] and lengths["never"] == 0
    assert chart.longest == 30.0 and chart.height == 3 * 28


def per_hour_of(counts: dict[datetime, int]) -> dict[datetime, int]:
    """The counts as per_hour would give them: keyed by the hour's start."""
    hours = per_hour([])
    for moment, n in counts.items():
        hours.update(per_hour([moment] * n))
    return dict(hours)
