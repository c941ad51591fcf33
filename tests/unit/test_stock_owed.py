"""Owed stock values: coalesced per shop, and held back for a growing pause after a failure."""

from __future__ import annotations

from shopsync.domain.stock_owed import RETRY_FIRST_S, StockOwed


def test_the_pause_after_failed_pushes_doubles_up_to_a_minute_and_resets() -> None:
    now = [0.0]
    owed = StockOwed(clock=lambda: now[0])
    pauses = [owed.failed(7, {"A"}) for _ in range(7)]
    assert pauses == [5, 10, 20, 40, 60, 60, 60]
    assert owed.take() == {}  # still pausing
    now[0] = 60.0
    owed.add([8], "B")  # another shop is not held back by this one's failures
    assert owed.take() == {7: {"A"}, 8: {"B"}}
    owed.succeeded(7)
    assert owed.failed(7, {"A"}) == RETRY_FIRST_S
