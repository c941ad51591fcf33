"""How often a login may be tried: a few failures are free, then each one doubles the wait.

Counted per key (the caller's address, the account tried), so guessing one account's password
from many addresses and many accounts' passwords from one address are both slowed. The rule is
pure: whoever keeps the failures (the database, so that a restart forgets none and every
console process sees the same) hands in their times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginThrottle:
    """Failures per key within `window_s`; past `free` of them a wait that doubles each time."""

    free: int = 5
    window_s: float = 900.0
    first_wait_s: float = 2.0
    longest_wait_s: float = 900.0

    def counted_since(self, now: datetime) -> datetime:
        """Failures before this moment count no more (and need not be kept)."""
        return now - timedelta(seconds=self.window_s)

    def wait_s(self, failures_per_key: Iterable[Sequence[datetime]], now: datetime) -> float:
        """Seconds until a login under keys with these failure times may be tried (0: now)."""
        return max((self._wait_of(times, now) for times in failures_per_key), default=0.0)

    def _wait_of(self, times: Sequence[datetime], now: datetime) -> float:
        since = self.counted_since(now)
        recent = sorted(t for t in times if t > since)
        if len(recent) < self.free:
            return 0.0
        wait = min(self.first_wait_s * 2.0 ** (len(recent) - self.free), self.longest_wait_s)
        return max(0.0, (recent[-1] - now).total_seconds() + wait)
