"""Which rate a day has: MNB's last publication on or before it; documents wait for theirs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from devtools.mnb_sandbox.recorded import recorded_rates
from shopsync.adapters.mnb.wire import published_rates, result_text
from shopsync.domain import order_actions as do
from shopsync.domain.exchange_rates import (
    DayRates,
    PublishedRate,
    huf_per_unit,
    issue_rate,
    rate_valid_on,
    window_for,
)
from shopsync.domain.order_fields import OrderRejected
from shopsync.domain.order_state import OrderState

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mnb"


def recorded_eur() -> list[PublishedRate]:
    return [
        PublishedRate(code, day, huf_per_unit(quote, unit))
        for day, quotes in recorded_rates().items()
        for code, (unit, quote) in quotes.items()
    ]


def test_a_saturday_takes_fridays_rate() -> None:
    body = (FIXTURES / "get_exchange_rates_usd_2018-12-13_2018-12-15.xml").read_bytes()
    published = published_rates(result_text(body, "GetExchangeRates"))

    assert rate_valid_on(published, "USD", date(2018, 12, 15)) == Decimal("286.66")


def test_a_sunday_and_a_monday_holiday_take_the_last_publication_before_them() -> None:
    published = recorded_eur()

    assert rate_valid_on(published, "EUR", date(2020, 4, 5)) == Decimal("364.42")  # Fri 3 Apr
    # Good Friday 10 April to Easter Monday 13 April: Thursday's rate.
    for day in (10, 11, 12, 13):
        assert rate_valid_on(published, "EUR", date(2020, 4, day)) == Decimal("355.66")
    assert rate_valid_on(published, "EUR", date(2020, 4, 14)) == Decimal("351.75")


def test_the_window_asked_for_reaches_over_the_longest_holiday_run() -> None:
    start, end = window_for(date(2026, 1, 2))

    assert end == date(2026, 1, 2)
    assert start <= date(2025, 12, 23)  # Christmas to New Year, weekends around it


def test_no_rate_in_view_is_none_never_a_guess() -> None:
    assert rate_valid_on(recorded_eur(), "EUR", date(2020, 3, 1)) is None
    assert rate_valid_on(recorded_eur(), "CHF", date(2020, 4, 3)) is None


def decision(*actions: do.Action) -> do.Decision:
    return do.Decision(OrderState(), actions, do.Result.ISSUED, "")


def issuing(draft: bool) -> do.Decision:
    content = object()  # the rate rule looks only at what the action is
    return decision(do.IssueDocument(None, content, draft, email=False))  # type: ignore[arg-type]


def test_an_invoice_in_euro_is_numbered_with_the_days_rate() -> None:
    rates = DayRates(date(2020, 4, 4), {"EUR": Decimal("364.42")})

    assert issue_rate("EUR", issuing(draft=False), rates) == Decimal("364.42")


def test_an_invoice_whose_rate_cannot_be_had_waits_for_it_with_the_reason() -> None:
    rates = DayRates(date(2020, 4, 4), {}, {"EUR": "MNB could not be asked: HTTP 503"})

    with pytest.raises(OrderRejected) as held:
        issue_rate("EUR", issuing(draft=False), rates)

    assert held.value.field == "exchange_rate"
    assert "waiting for the exchange rate" in held.value.reason
    assert "HTTP 503" in held.value.reason
    assert "2020-04-04" in held.value.reason


def test_forint_drafts_and_cancellations_need_no_rate() -> None:
    nothing = DayRates(date(2020, 4, 4))

    assert issue_rate("HUF", issuing(draft=False), nothing) is None
    assert issue_rate("EUR", issuing(draft=True), nothing) is None
    assert issue_rate("EUR", decision(), nothing) is None
