"""Which SKUs' stock each shop is owed, coalesced, and how long a failing shop is left alone."""

from __future__ import annotations

import time
from collections.abc import Callable

#: A push that failed as a whole (shop down, credentials refused) is tried again after this
#: pause, doubled after each further failure of that shop, up to RETRY_MAX_S.
RETRY_FIRST_S = 5.0
RETRY_MAX_S = 60.0  # one attempt a minute costs a down shop nothing; recovery stays prompt


class StockOwed:
    """SKUs owed to shops, coalesced: a SKU moved 50 times in a window is pushed once.

    A failed push owes its SKUs again; that shop is then left alone for a growing pause so a
    shop that is down is not hammered every second, and nothing owed is forgotten meanwhile.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._owed: dict[int, set[str]] = {}
        self._held_until: dict[int, float] = {}
        self._failures: dict[int, int] = {}
        self._clock = clock
        self.movements = 0

    def add(self, connection_ids: list[int], sku: str) -> None:
        self.movements += 1
        for connection_id in connection_ids:
            self._owed.setdefault(connection_id, set()).add(sku)

    def take(self) -> dict[int, set[str]]:
        """Everything owed to shops that are not pausing after a failure."""
        now = self._clock()
        due = {c: skus for c, skus in self._owed.items() if self._held_until.get(c, 0.0) <= now}
        for connection_id in due:
            del self._owed[connection_id]
        return due

    def failed(self, connection_id: int, skus: set[str]) -> float:
        """Owe `skus` again after a pause; returns the pause in seconds."""
        failures = self._failures[connection_id] = self._failures.get(connection_id, 0) + 1
        pause = min(RETRY_MAX_S, RETRY_FIRST_S * 2.0 ** (failures - 1))
        self._held_until[connection_id] = self._clock() + pause
        self._owed.setdefault(connection_id, set()).update(skus)
        return pause

    def succeeded(self, connection_id: int) -> None:
        self._failures.pop(connection_id, None)
        self._held_until.pop(connection_id, None)

    def waiting(self) -> int:
        """SKU values owed and not yet pushed, over all shops."""
        return sum(len(skus) for skus in self._owed.values())
