"""Typed MNB errors: what went wrong asking MNB for rates (only dates and codes travel)."""

from __future__ import annotations


class MnbError(Exception):
    """MNB's rate service could not give the rates asked for."""


class MnbUnavailable(MnbError):
    """No usable answer: a refused or dropped connection, a time-out, an HTTP 5xx."""


class MnbFault(MnbError):
    """MNB answered with a SOAP fault (a date or currency it refuses); its message kept."""


class MnbBadAnswer(MnbError):
    """An answer that is not MNB's wire format (not XML, no result, a rate that is no number)."""
