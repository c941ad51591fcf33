"""How often a login may be tried: a few failures are free, then each one doubles the wait.

Counted per key (the caller's address, the account tried), so guessing one account's password
from many addresses and many accounts' passwords from one address are both slowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class LoginThrottle:
    """Failures per key within `window_s`; past `free` of them a wait that doubles each time."""

    free: int = 5
    window_s: float = 900.0
    first_wait_s: float = 2.0
    longest_wait_s: float = 900.0
    most_keys: int = 50_000  # memory bound: older keys are forgotten first
    _failures: dict[str, list[float]] = field(default_factory=dict)

    def wait_s(self, keys: Iterable[str], now: float) -> float:
        """Seconds until a login under these keys may be tried again (0: now)."""
        return max((self._wait_of(key, now) for key in keys), default=0.0)

    def failed(self, keys: Iterable[str], now: float) -> None:
        """Count a failed login against each key."""
        for key in keys:
            recent = [t for t in self._failures.pop(key, []) if now - t < self.window_s]
            self._failures[key] = [*recent, now]
        while len(self._failures) > self.most_keys:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        """A successful login forgets that key's failures (the account's, not the address's)."""
        self._failures.pop(key, None)

    def _wait_of(self, key: str, now: float) -> float:
        recent = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if len(recent) < self.free:
            return 0.0
        wait = min(self.first_wait_s * 2.0 ** (len(recent) - self.free), self.longest_wait_s)
        return max(0.0, recent[-1] + wait - now)
