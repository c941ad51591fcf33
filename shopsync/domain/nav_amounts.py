"""A NAV invoice's amounts: net, VAT and gross, in its currency and in HUF, to the cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shopsync.domain.documents import Line
from shopsync.domain.nav_document import NavInvoice
from shopsync.domain.nav_vat_cases import RateKey, rate_key
from shopsync.domain.nav_xml import round_cent


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    vat: Decimal
    gross: Decimal
    net_huf: Decimal
    vat_huf: Decimal
    gross_huf: Decimal

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.net + other.net,
            self.vat + other.vat,
            self.gross + other.gross,
            self.net_huf + other.net_huf,
            self.vat_huf + other.vat_huf,
            self.gross_huf + other.gross_huf,
        )


NO_AMOUNTS = Amounts(*[Decimal(0)] * 6)


@dataclass(frozen=True)
class Summary:
    by_rate: dict[RateKey, Amounts]
    total: Amounts


def line_amounts(line: Line, invoice: NavInvoice) -> Amounts:
    """The line's amounts rounded to the cent, and each converted to HUF and rounded again."""
    net, vat, gross = (round_cent(v) for v in (line.net, line.vat, line.gross))
    rate = invoice.huf_rate
    return Amounts(
        net, vat, gross, round_cent(net * rate), round_cent(vat * rate), round_cent(gross * rate)
    )


def summary(invoice: NavInvoice) -> Summary:
    """Totals by VAT rate (or case) and for the invoice, in its currency and in HUF."""
    by_rate: dict[RateKey, Amounts] = {}
    for line in invoice.lines:
        key = rate_key(line, invoice.zero_vat_case)
        by_rate[key] = by_rate.get(key, NO_AMOUNTS) + line_amounts(line, invoice)
    return Summary(by_rate, sum(by_rate.values(), NO_AMOUNTS))
