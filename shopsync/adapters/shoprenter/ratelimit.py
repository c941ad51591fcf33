"""At most N requests per second per shop from this process, shared by every task."""

from __future__ import annotations

import asyncio
import time


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
    """One limiter per shop path, for the whole process."""

    def __init__(self, per_second: float = 3.0) -> None:
        self._per_second = per_second
        self._limiters: dict[str, ShopRateLimiter] = {}

    def for_shop(self, shop: str) -> ShopRateLimiter:
        limiter = self._limiters.get(shop)
        if limiter is None:
            limiter = self._limiters[shop] = ShopRateLimiter(self._per_second)
        return limiter


PROCESS_LIMITERS = RateLimiterRegistry()
