"""The sandbox's publications: recorded ones, more published by a test or the demo, faults."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from devtools.mnb_sandbox.recorded import Quote, recorded_rates

FAULT_MODES = ("none", "error", "timeout", "fault")


@dataclass
class MnbRateTable:
    """Quotes by publication day; `fault` makes every call fail (5xx, time-out, SOAP fault)."""

    days: dict[date, dict[str, Quote]] = field(default_factory=recorded_rates)
    fault: str = "none"
    calls: Counter[str] = field(default_factory=Counter)

    def publish(self, day: date, quotes: dict[str, Quote]) -> None:
        """Add (or overwrite) quotes of one publication day."""
        self.days.setdefault(day, {}).update(quotes)

    def between(
        self, start: date, end: date, currencies: set[str]
    ) -> list[tuple[date, dict[str, Quote]]]:
        """Publication days from start to end, newest first, with the asked currencies only."""
        found = [
            (day, {c: q for c, q in quotes.items() if c in currencies})
            for day, quotes in self.days.items()
            if start <= day <= end
        ]
        return sorted(((d, q) for d, q in found if q), reverse=True)

    def latest(self) -> tuple[date, dict[str, Quote]] | None:
        """The newest publication, as GetCurrentExchangeRates gives it."""
        if not self.days:
            return None
        day = max(self.days)
        return day, self.days[day]
