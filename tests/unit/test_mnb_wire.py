"""MNB's wire format read as its service sends it (recorded answers in tests/fixtures/mnb/)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from shopsync.adapters.mnb.errors import MnbBadAnswer, MnbFault
from shopsync.adapters.mnb.wire import exchange_rates_request, published_rates, result_text
from shopsync.domain.exchange_rates import BadQuote, PublishedRate, huf_per_unit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mnb"


def answer(name: str, operation: str = "GetExchangeRates") -> list[PublishedRate]:
    return published_rates(result_text((FIXTURES / name).read_bytes(), operation))


def test_an_escaped_answer_gives_each_publication_day_newest_first() -> None:
    rates = answer("get_exchange_rates_eur_2020-07-24_2020-07-31.xml")

    assert [r.day for r in rates][:2] == [date(2020, 7, 31), date(2020, 7, 30)]
    assert rates[0] == PublishedRate("EUR", date(2020, 7, 31), Decimal("344.74"))
    assert date(2020, 7, 25) not in {r.day for r in rates}  # a Saturday: nothing published


def test_per_100_quotes_become_huf_for_one_unit() -> None:
    current = answer("get_current_exchange_rates_2020-08-14.xml", "GetCurrentExchangeRates")
    by_currency = {r.currency: r.huf_per_unit for r in current}

    assert by_currency["JPY"] == Decimal("2.7456")  # 100 JPY = 274,56 HUF
    assert by_currency["KRW"] == Decimal("0.247")
    assert by_currency["IDR"] == Decimal("0.0198")
    assert by_currency["EUR"] == Decimal("346.25")
    assert {r.day for r in current} == {date(2020, 8, 14)}


def test_five_decimal_quotes_read_to_the_same_rates() -> None:
    rates = {r.currency: r.huf_per_unit for r in answer("get_exchange_rates_2024-11-29.xml")}

    assert rates == {
        "EUR": Decimal("413.13"),
        "JPY": Decimal("2.6057"),
        "KRW": Decimal("0.2803"),
        "USD": Decimal("391.30"),
    }


def test_a_range_without_a_publication_day_is_no_rate_not_an_error() -> None:
    assert answer("get_exchange_rates_empty.xml") == []


def test_a_soap_fault_is_said_with_mnbs_own_message() -> None:
    body = (FIXTURES / "fault_bad_date.xml").read_bytes()

    with pytest.raises(MnbFault, match="nem megfelelő dátum"):
        result_text(body, "GetExchangeRates")


def test_an_answer_that_is_not_xml_is_a_bad_answer() -> None:
    with pytest.raises(MnbBadAnswer):
        result_text(b"<html><body>Service Unavailable", "GetExchangeRates")


@pytest.mark.parametrize("quote", ["1.234,56", "-344,74", "", "344,74 Ft", "3,4,5"])
def test_a_quote_that_is_not_an_mnb_number_is_refused(quote: str) -> None:
    with pytest.raises(BadQuote):
        huf_per_unit(quote, 1)


def test_a_bad_rate_inside_an_answer_is_a_bad_answer() -> None:
    rate = '<Rate unit="1" curr="EUR">344.740,1</Rate>'
    inner = f'<MNBExchangeRates><Day date="2020-07-31">{rate}</Day></MNBExchangeRates>'

    with pytest.raises(MnbBadAnswer, match="cannot be read"):
        published_rates(inner)


def test_the_request_asks_for_a_range_and_comma_joined_currencies() -> None:
    body = exchange_rates_request(date(2020, 7, 27), date(2020, 7, 31), ["jpy", "EUR"]).decode()

    assert '<GetExchangeRates xmlns="http://www.mnb.hu/webservices/">' in body
    assert "<startDate>2020-07-27</startDate><endDate>2020-07-31</endDate>" in body
    assert "<currencyNames>EUR,JPY</currencyNames>" in body
