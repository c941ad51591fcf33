"""Which of NAV's payment methods a shop's payment method is (by the connection's mapping,
Shoprenter's code, or words in its name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from shopsync.domain.nav_xml import NavDataError

PaymentMethod = Literal["TRANSFER", "CASH", "CARD", "VOUCHER", "OTHER"]
PAYMENT_METHODS: tuple[PaymentMethod, ...] = ("TRANSFER", "CASH", "CARD", "VOUCHER", "OTHER")

# Shoprenter payment method codes and words in their names → NAV's payment method.
_CODE_METHODS: dict[str, PaymentMethod] = {
    "BANK_TRANSFER": "TRANSFER",
    "SIMPLEWIRE": "TRANSFER",
    "COD": "CASH",
    "COD2": "CASH",
    "COD3": "CASH",
    "COD4": "CASH",
    "CASH": "CASH",
    "PAYPAL": "CARD",
    "BARION": "CARD",
    "SIMPLE": "CARD",
    "CIB": "CARD",
    "KHB": "CARD",
    "OTP": "CARD",
    "PAYU": "CARD",
    "PAY": "CARD",
    "STRIPE": "CARD",
    "GP": "CARD",
    "LOYALTYPOINT": "VOUCHER",
}
_NAME_WORDS: tuple[tuple[str, PaymentMethod], ...] = (
    ("átutalás", "TRANSFER"),
    ("utalás", "TRANSFER"),
    ("transfer", "TRANSFER"),
    ("utánvét", "CASH"),
    ("készpénz", "CASH"),
    ("cash", "CASH"),
    ("kártya", "CARD"),
    ("kártyá", "CARD"),
    ("card", "CARD"),
    ("barion", "CARD"),
    ("simplepay", "CARD"),
    ("paypal", "CARD"),
    ("utalvány", "VOUCHER"),
    ("voucher", "VOUCHER"),
)


def payment_method_for(
    name: str, code: str = "", overrides: Mapping[str, str] | None = None
) -> PaymentMethod:
    """The connection's mapping first (by name or code), then Shoprenter's codes, then words."""
    mapped = _mapped_method(name, code, overrides or {})
    if mapped is not None:
        return mapped
    if code.upper() in _CODE_METHODS:
        return _CODE_METHODS[code.upper()]
    return _named_method(name)


def _mapped_method(name: str, code: str, overrides: Mapping[str, str]) -> PaymentMethod | None:
    wanted = (name.strip().lower(), code.strip().lower())
    for key, method in overrides.items():
        if key.strip().lower() in wanted:
            if method not in PAYMENT_METHODS:
                raise NavDataError(f"payment method mapping {key!r} → {method!r} is not a NAV one")
            return method
    return None


def _named_method(name: str) -> PaymentMethod:
    lowered = name.lower()
    return next((method for word, method in _NAME_WORDS if word in lowered), "OTHER")
