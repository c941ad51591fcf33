"""Hungary's clock, defined once: documents are dated in Budapest days, and Shoprenter writes
an order's times in the shop's local (Budapest) time, without a zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUDAPEST = ZoneInfo("Europe/Budapest")


def budapest_day(moment: datetime) -> date:
    """The calendar day a document shows and reports: Hungary's, whatever the server's zone."""
    return moment.astimezone(BUDAPEST).date()
