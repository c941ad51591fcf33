"""When a document is due: days to pay by payment method, as the connection sets them."""

from __future__ import annotations

from collections.abc import Mapping

from shopsync.domain.nav_payment import PaymentMethod

#: Days to pay when the connection says nothing: a transfer is paid later, the rest at once
#: (a card or PayPal is paid at checkout, cash on delivery on receipt).
DEFAULT_DUE_DAYS: Mapping[PaymentMethod, int] = {"TRANSFER": 8}
#: NAV's payment methods as a Hungarian document names them.
METHOD_NAMES: Mapping[PaymentMethod, str] = {
    "TRANSFER": "Átutalás",
    "CASH": "Készpénz",
    "CARD": "Bankkártya",
    "VOUCHER": "Utalvány",
    "OTHER": "Egyéb",
}


def due_days(
    name: str, code: str, method: PaymentMethod, overrides: Mapping[str, int] | None = None
) -> int:
    """The connection's days for the code, the name or the NAV method; else the default."""
    by_key = {key.strip().lower(): days for key, days in (overrides or {}).items()}
    for key in (code, name, method):
        if key.strip().lower() in by_key:
            return by_key[key.strip().lower()]
    return DEFAULT_DUE_DAYS.get(method, 0)


def method_name(name: str, method: PaymentMethod) -> str:
    """The shop's own name of the method, or NAV's in Hungarian when the shop gave none."""
    return name.strip() or METHOD_NAMES[method]
