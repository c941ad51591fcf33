"""How amounts, quantities, rates and days read on a Hungarian document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shopsync.domain.documents import round_money
from shopsync.domain.nav_xml import round_cent


def currency_label(currency: str) -> str:
    return "Ft" if currency == "HUF" else currency


def amount_text(amount: Decimal, currency: str) -> str:
    """12 700 Ft, 1 234,56 EUR: thousands apart, a decimal comma, rounded as the currency is."""
    return f"{_grouped(round_money(amount, currency))} {currency_label(currency)}"


def huf_text(amount: Decimal) -> str:
    """A HUF value converted from another currency, to the fillér as NAV is told it."""
    return f"{_grouped(round_cent(amount))} Ft"


def number_text(value: Decimal) -> str:
    """A quantity, rate or exchange rate without trailing zeros: 2, 1,5, 395,12."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text.replace(".", ",")


def rate_text(rate: Decimal) -> str:
    return f"{number_text(rate)}%"


def day_text(day: date) -> str:
    """2026.11.26. — the way Hungarian documents write a day."""
    return f"{day:%Y.%m.%d}."


def _grouped(value: Decimal) -> str:
    if value == 0:
        value = abs(value)  # never "-0 Ft"
    return f"{value:,f}".replace(",", " ").replace(".", ",")
