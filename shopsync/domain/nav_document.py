"""An issued invoice or storno as it is reported to NAV, and a storno's reference to its invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shopsync.domain.documents import Line
from shopsync.domain.nav_parties import Customer, Supplier
from shopsync.domain.nav_payment import PaymentMethod


@dataclass(frozen=True)
class InvoiceReference:
    original_number: str
    modification_index: int


@dataclass(frozen=True)
class NavInvoice:
    number: str
    issue_date: date
    delivery_date: date
    currency: str
    exchange_rate: Decimal  # HUF per unit; 1 for HUF
    payment_method: PaymentMethod
    supplier: Supplier
    customer: Customer
    lines: tuple[Line, ...]
    zero_vat_case: str | None = None  # for 0% lines that are not rounding
    reference: InvoiceReference | None = None

    @property
    def huf_rate(self) -> Decimal:
        """HUF per unit of the invoice's currency: 1 for a HUF invoice, whatever it was given."""
        return Decimal(1) if self.currency == "HUF" else self.exchange_rate
