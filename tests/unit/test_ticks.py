"""Tick scheduling: each connection once per interval, spread across it."""

from __future__ import annotations

from shopsync.domain.ticks import TickSchedule, phase


def test_each_connection_fires_exactly_once_per_interval() -> None:
    schedule = TickSchedule()
    intervals = {cid: 600.0 for cid in range(1, 201)}
    fired: dict[int, int] = {}
    for second in range(0, 1200):
        for cid in schedule.due(1_000_000.0 + second, intervals):
            fired[cid] = fired.get(cid, 0) + 1
    assert set(fired) == set(intervals)
    assert set(fired.values()) == {2}


def test_two_hundred_connections_are_spread_over_the_interval_not_bunched() -> None:
    phases = sorted(phase(cid, 600.0) for cid in range(1, 201))
    per_minute = [sum(1 for p in phases if m * 60 <= p < (m + 1) * 60) for m in range(10)]
    assert max(per_minute) <= 40  # 20 expected per minute; no minute gets a burst


def test_a_switched_off_connection_stops_firing_at_once() -> None:
    schedule = TickSchedule()
    schedule.due(0.0, {1: 10.0, 2: 10.0})
    fired = [cid for t in range(1, 30) for cid in schedule.due(float(t), {1: 10.0})]
    assert 2 not in fired
    assert 1 in fired


def test_a_connection_switched_on_while_running_fires_at_once_then_on_its_phase() -> None:
    schedule = TickSchedule()
    schedule.due(1_000.0, {1: 600.0})
    assert schedule.due(1_001.0, {1: 600.0, 2: 600.0}) == [2]
    later = [t for t in range(1_002, 2_300) if 2 in schedule.due(float(t), {1: 600.0, 2: 600.0})]
    assert len(later) == 2  # once per interval after that, not again at once
    assert (later[1] - later[0]) == 600


def test_connections_enabled_at_start_are_spread_not_fired_together() -> None:
    schedule = TickSchedule()
    fired = schedule.due(1_000_000.0, {cid: 600.0 for cid in range(1, 201)})
    assert len(fired) <= 2  # only those whose phase is this very second
