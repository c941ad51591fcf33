"""The use case "which rate does this day have": recorded for that day, else asked of MNB.

The order processor asks before a batch's transaction (never a network call inside it):
a rate recorded for the very day (MNB's publication, or one set by hand) is used as is;
otherwise MNB is asked for the 10 days up to the day, what it published is kept in
`exchange_rates`, and its last publication on or before the day is the day's rate. A rate
that cannot be had is reported missing with the reason; the order waits for it (held).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.failures import is_outage
from shopsync.adapters.mnb.errors import MnbError
from shopsync.domain.exchange_rates import (
    HOME_CURRENCY,
    DayRates,
    PublishedRate,
    rate_valid_on,
    window_for,
)
from shopsync.service_layer.exchange_rates import keep_published, rates_of_day
from shopsync.service_layer.ports import MnbRates, Outage

log = logging.getLogger(__name__)


@dataclass
class RateBook:
    """Rates by Budapest day: the database first, MNB for what it lacks (paused after a failure)."""

    sessions: async_sessionmaker[AsyncSession]
    mnb: MnbRates | None = None
    clock: Callable[[], float] = time.monotonic
    #: After MNB failed, orders wait for this long before it is asked again.
    pause_s: float = 60.0
    #: How long a day's rate MNB gave (a weekend's, say: no row of its own) is reused.
    remember_s: float = 900.0
    _answered: dict[tuple[str, date], tuple[Decimal, float]] = field(default_factory=dict)
    _quiet_until: float = 0.0
    _failure: str = ""

    async def on_day(self, day: date, currencies: Iterable[str]) -> DayRates:
        """The rates valid on `day` of these currencies, and why any could not be had."""
        wanted = {c.upper() for c in currencies} - {HOME_CURRENCY}
        if not wanted:
            return DayRates(day)
        found = {**await self._recorded(day, wanted), **self._remembered(day, wanted)}
        if wanted <= found.keys():
            return DayRates(day, found)
        asked, why = await self._asked(day, wanted - found.keys())
        found.update(asked)
        return DayRates(day, found, {c: why for c in wanted - found.keys()})

    async def _recorded(self, day: date, wanted: set[str]) -> dict[str, Decimal]:
        with _outage_said():
            async with self.sessions() as session:
                return await rates_of_day(session, wanted, day)

    def _remembered(self, day: date, wanted: set[str]) -> dict[str, Decimal]:
        now = self.clock()
        known = ((c, self._answered.get((c, day))) for c in wanted)
        return {c: hit[0] for c, hit in known if hit is not None and now - hit[1] < self.remember_s}

    async def _asked(self, day: date, missing: set[str]) -> tuple[dict[str, Decimal], str]:
        """MNB's rates valid on `day` (kept in the database), or none and why."""
        if self.mnb is None:
            return {}, "no rate recorded for the day and no rate service configured"
        if self.clock() < self._quiet_until:
            return {}, self._failure
        try:
            published = await self.mnb.exchange_rates(*window_for(day), missing)
        except MnbError as exc:
            return {}, self._failed(exc)
        await self._keep(published)
        rates = {c: r for c in missing if (r := rate_valid_on(published, c, day)) is not None}
        self._answered.update({(c, day): (r, self.clock()) for c, r in rates.items()})
        return rates, f"MNB published no rate in the 10 days up to {day.isoformat()}"

    def _failed(self, exc: MnbError) -> str:
        self._quiet_until = self.clock() + self.pause_s
        self._failure = f"MNB could not be asked: {exc}"
        log.warning("%s; orders needing a rate wait (asked again in %.0f s)", exc, self.pause_s)
        return self._failure

    async def _keep(self, published: list[PublishedRate]) -> None:
        with _outage_said():
            async with self.sessions() as session:
                await keep_published(session, published)
                await session.commit()


async def sync_rates(
    sessions: async_sessionmaker[AsyncSession],
    mnb: MnbRates,
    days: tuple[date, date],
    currencies: Iterable[str],
) -> list[PublishedRate]:
    """Fill `exchange_rates` with MNB's publications from start to end; what MNB published."""
    published = await mnb.exchange_rates(*days, {c.upper() for c in currencies})
    async with sessions() as session:
        await keep_published(session, published)
        await session.commit()
    return published


@contextmanager
def _outage_said() -> Iterator[None]:
    """A database that cannot be reached is an Outage (the orders wait), not their fault."""
    try:
        yield
    except Exception as exc:
        if is_outage(exc):
            raise Outage(f"{type(exc).__name__}: {exc}"[:500]) from exc
        raise
