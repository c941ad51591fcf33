"""Which exchange rate a day has: MNB's last publication on or before it, HUF per one unit.

MNB publishes on weekdays that are not public holidays (about 11:00 Budapest time); a rate
is valid until the next publication, so a Saturday, a holiday or a Monday morning before the
fixing takes the last one published before it. Asking for a window ending on the day (10 days
covers the longest Hungarian holiday run) finds it whatever the calendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from shopsync.domain import order_actions as do
from shopsync.domain.order_fields import OrderRejected

HOME_CURRENCY = "HUF"
#: Days before the asked one that a window reaches back: Christmas to New Year fits.
LOOKBACK = timedelta(days=10)
#: NAV's ExchangeRateType: at most 6 fraction digits.
RATE_STEP = Decimal("0.000001")
_QUOTE = re.compile(r"^\d+(,\d+)?$")


class BadQuote(ValueError):
    """A rate as MNB writes it that is not one (thousands separator, sign, no digits)."""


@dataclass(frozen=True)
class PublishedRate:
    """One currency's rate as MNB published it on a day: HUF for one unit."""

    currency: str
    day: date
    huf_per_unit: Decimal


@dataclass(frozen=True)
class DayRates:
    """The rates of one Budapest day that could be had, and why the others could not."""

    day: date
    found: Mapping[str, Decimal] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)


def huf_per_unit(quote: str, unit: int) -> Decimal:
    """MNB's "274,56" for `unit` (100 for JPY) as HUF per one unit: 2.7456."""
    text = quote.strip()
    if not _QUOTE.match(text) or unit <= 0:
        raise BadQuote(f"not an MNB rate: {quote!r} per {unit}")
    rate = (Decimal(text.replace(",", ".")) / unit).quantize(RATE_STEP)
    if rate <= 0:
        raise BadQuote(f"not a positive rate: {quote!r} per {unit}")
    return rate


def window_for(day: date) -> tuple[date, date]:
    """The days to ask MNB for so that the answer holds the rate valid on `day`."""
    return day - LOOKBACK, day


def rate_valid_on(published: Iterable[PublishedRate], currency: str, day: date) -> Decimal | None:
    """The currency's last published rate on or before `day`; None when none is in view."""
    candidates = [p for p in published if p.currency == currency and p.day <= day]
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.day).huf_per_unit


def takes_a_rate(decision: do.Decision) -> bool:
    """Whether carrying out the decision gives a document its number (and so its rate)."""
    return any(
        isinstance(a, do.NumberDocument) or (isinstance(a, do.IssueDocument) and not a.draft)
        for a in decision.actions
    )


def issue_rate(currency: str, decision: do.Decision, rates: DayRates | None) -> Decimal | None:
    """The rate a decision's document is numbered with; OrderRejected while it cannot be had.

    None for HUF, for a decision that numbers nothing, and where no rates were looked up.
    """
    if rates is None or currency == HOME_CURRENCY or not takes_a_rate(decision):
        return None
    rate = rates.found.get(currency)
    if rate is None:
        raise waiting_for_rate(currency, rates.day, rates.missing.get(currency, "not looked up"))
    return rate


def waiting_for_rate(currency: str, day: date, why: str) -> OrderRejected:
    """The hold of an order whose document needs a rate that cannot be had yet."""
    return OrderRejected(
        "exchange_rate",
        f"{currency} {day.isoformat()}",
        f"waiting for the exchange rate: no {currency} rate for {day.isoformat()} ({why}); "
        f"once it can be had (shopsync rates sync --from {day.isoformat()}), "
        "release the order",
    )
