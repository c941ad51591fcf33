"""Numbers, money and times as each language writes them; times in Budapest's clock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from shopsync.domain.budapest import BUDAPEST

NARROW_SPACE = "\u202f"


def number(value: Decimal | int | float | None, places: int = 0, *, language: str = "en") -> str:
    """1,234.50 in English, 1 234,50 in Hungarian (a narrow space groups the thousands)."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.{places}f}"
    if language != "hu":
        return text
    return text.replace(",", NARROW_SPACE).replace(".", ",")


def money(value: Decimal | None, currency: str, *, language: str = "en") -> str:
    """An amount with its currency, HUF without fillér."""
    if value is None:
        return ""
    shown = number(value, 0 if currency == "HUF" else 2, language=language)
    return f"{shown} Ft" if currency == "HUF" and language == "hu" else f"{shown} {currency}"


def day(value: date, *, language: str = "en") -> str:
    """A day under a chart's axis, without its year: 03-01 or 03. 01."""
    return value.strftime("%m. %d." if language == "hu" else "%m-%d")


def moment(value: datetime | None, *, language: str = "en") -> str:
    """A time on Budapest's clock: 2026-03-01 14:05 or 2026. 03. 01. 14:05."""
    if value is None:
        return ""
    local = value.astimezone(BUDAPEST)
    if language == "hu":
        return local.strftime("%Y. %m. %d. %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
