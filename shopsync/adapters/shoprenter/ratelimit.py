"""At most N requests per second per shop, shared by every task of this process; or, with
`share_through`, by every process (the database-backed pacer in adapters/db/request_pacing.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol


class RequestPacer(Protocol):
    """Paces one shop's requests: wait for a slot before each, push them back after a 429."""

    async def acquire(self) -> None: ...

    def pause(self, seconds: float) -> None: ...


class ShopRateLimiter:
    """Spaces requests evenly: slot k starts at least `interval` after slot k-1."""

    def __init__(self, per_second: float = 3.0, safety: float = 1.03) -> None:
        self._interval = safety / per_second
        self._next_slot = 0.0
        self._last_release = -1e9

    async def acquire(self) -> None:
        # No await between reading and advancing the slot: atomic on the event loop.
        now = time.monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        delay = slot - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        # A busy event loop wakes sleepers late, and two late ones together would reach the
        # shop within one interval (a 429): keep the spacing from the last real release.
        while (gap := self._last_release + self._interval - time.monotonic()) > 0:  # noqa: ASYNC110 — a deadline, not a condition to wait on
            await asyncio.sleep(gap)
        self._last_release = time.monotonic()
        self._next_slot = max(self._next_slot, self._last_release + self._interval)

    def pause(self, seconds: float) -> None:
        """Push every later request back: the shop told us to slow down."""
        self._next_slot = max(self._next_slot, time.monotonic() + seconds)


class RateLimiterRegistry:
    """One limiter per shop path, for the whole process (in-process unless shared)."""

    def __init__(self, per_second: float = 3.0) -> None:
        self._per_second = per_second
        self._limiters: dict[str, RequestPacer] = {}
        self._make: Callable[[str], RequestPacer] = self._in_process

    def for_shop(self, shop: str) -> RequestPacer:
        limiter = self._limiters.get(shop)
        if limiter is None:
            limiter = self._limiters[shop] = self._make(shop)
        return limiter

    def share_through(self, make: Callable[[str], RequestPacer] | None) -> None:
        """Pace every shop with `make(shop)` from now on (None: back to this process alone)."""
        self._make = make or self._in_process
        self._limiters.clear()

    def _in_process(self, _shop: str) -> RequestPacer:
        return ShopRateLimiter(self._per_second)


PROCESS_LIMITERS = RateLimiterRegistry()
