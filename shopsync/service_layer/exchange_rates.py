"""Exchange rates by day: recorded by hand (`shopsync rates set`) or by a rate feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ExchangeRate
from shopsync.domain.exchange_rates import PublishedRate

MNB = "mnb"


class RateMissing(LookupError):
    """No rate for the currency on or before the day; the message says how to add one."""


async def set_rate(
    session: AsyncSession, currency: str, day: date, rate: Decimal, source: str = "manual"
) -> ExchangeRate:
    if rate <= 0:
        raise ValueError("an exchange rate is a positive number of HUF per unit")
    currency = currency.upper()
    row = await session.get(ExchangeRate, (currency, day))
    if row is None:
        row = ExchangeRate(currency=currency, rate_date=day, rate=rate, source=source)
        session.add(row)
    else:
        row.rate, row.source = rate, source
    await session.flush()
    return row


async def rate_on(session: AsyncSession, currency: str, day: date) -> Decimal:
    """HUF per unit on `day`, or the last rate published before it (weekends, holidays)."""
    if currency.upper() == "HUF":
        return Decimal(1)
    latest = (
        select(ExchangeRate.rate)
        .where(ExchangeRate.currency == currency.upper(), ExchangeRate.rate_date <= day)
        .order_by(ExchangeRate.rate_date.desc())
        .limit(1)
    )
    rate = await session.scalar(latest)
    if rate is None:
        raise RateMissing(
            f"no {currency.upper()} exchange rate on or before {day.isoformat()}: "
            f"shopsync rates set {currency.upper()} {day.isoformat()} RATE"
        )
    return rate


async def keep_published(session: AsyncSession, published: Iterable[PublishedRate]) -> int:
    """Store MNB's rates (source "mnb"); a rate recorded by hand for the day is kept. How many."""
    kept = 0
    for rate in published:
        row = await session.get(ExchangeRate, (rate.currency, rate.day))
        if row is not None and row.source.lower() != MNB:
            continue
        await set_rate(session, rate.currency, rate.day, rate.huf_per_unit, MNB)
        kept += 1
    return kept


async def rates_of_day(
    session: AsyncSession, currencies: set[str], day: date
) -> dict[str, Decimal]:
    """The rates recorded for exactly this day (by MNB's publication or by hand)."""
    query = select(ExchangeRate).where(
        ExchangeRate.currency.in_(currencies), ExchangeRate.rate_date == day
    )
    return {row.currency: row.rate for row in (await session.execute(query)).scalars()}


async def listed_rates(session: AsyncSession, currency: str | None = None) -> list[ExchangeRate]:
    """Recorded rates, newest day first (of one currency, if given)."""
    query = select(ExchangeRate).order_by(ExchangeRate.rate_date.desc(), ExchangeRate.currency)
    if currency:
        query = query.where(ExchangeRate.currency == currency.upper())
    return list((await session.execute(query)).scalars())
