"""What commands make of arguments click leaves as text: numbers and currency codes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click


def number(text: str, param_hint: str) -> Decimal:
    """`text` as a Decimal, or a usage error that names the argument."""
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise click.BadParameter(f"{text!r} is not a number", param_hint=param_hint) from exc


def is_currency_code(text: str) -> bool:
    """Three letters, as ISO 4217 codes are (case is the caller's to normalise)."""
    return len(text) == 3 and text.isalpha()
