"""A document's lines as the page's table rows, and its VAT summary per rate — grouped the way
the NAV export groups them (shopsync.domain.nav_vat_cases), so the two never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopsync.domain.documents import Line
from shopsync.domain.invoice_figures import amount_text, huf_text, number_text, rate_text
from shopsync.domain.nav_vat_cases import EXEMPTION_CASES, OUT_OF_SCOPE_CASES, RateKey, rate_key
from shopsync.domain.nav_xml import round_cent

LINE_COLUMNS = (
    "Megnevezés",
    "Menny.",
    "Me.",
    "Nettó egységár",
    "ÁFA",
    "Nettó érték",
    "ÁFA érték",
    "Bruttó érték",
)
VAT_COLUMNS = ("ÁFA-kulcs", "Nettó (adóalap)", "ÁFA", "Bruttó")
HUF_VAT_COLUMN = "ÁFA forintban"
ZERO = Decimal(0)


@dataclass(frozen=True)
class SoldLine:
    """A stored line and its unit of measure (darab: db)."""

    line: Line
    unit: str


@dataclass(frozen=True)
class VatRow:
    label: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_huf: Decimal


def line_cells(sold: SoldLine, currency: str, zero_vat_case: str | None) -> tuple[str, ...]:
    """One row of the line table; a 0 % line shows its exemption or out-of-scope case."""
    line = sold.line
    return (
        line.name,
        number_text(line.quantity),
        sold.unit,
        amount_text(line.unit_net_price, currency),
        rate_label(rate_key(line, zero_vat_case)),
        amount_text(line.net, currency),
        amount_text(line.vat, currency),
        amount_text(line.gross, currency),
    )


def vat_rows(
    lines: Sequence[Line], zero_vat_case: str | None, huf_rate: Decimal
) -> tuple[VatRow, ...]:
    """Net, VAT and gross per rate (or case); the VAT in HUF summed per line as NAV gets it."""
    rows: dict[RateKey, VatRow] = {}
    for line in lines:
        key = rate_key(line, zero_vat_case)
        rows[key] = _added(rows.get(key, VatRow(_summary_label(key), *[ZERO] * 4)), line, huf_rate)
    return tuple(rows.values())


def _added(row: VatRow, line: Line, huf_rate: Decimal) -> VatRow:
    vat_huf = round_cent(round_cent(line.vat) * huf_rate)
    return VatRow(
        row.label,
        row.net + line.net,
        row.vat + line.vat,
        row.gross + line.gross,
        row.vat_huf + vat_huf,
    )


def vat_cells(row: VatRow, currency: str, in_huf: bool) -> tuple[str, ...]:
    cells = (
        row.label,
        amount_text(row.net, currency),
        amount_text(row.vat, currency),
        amount_text(row.gross, currency),
    )
    return (*cells, huf_text(row.vat_huf)) if in_huf else cells


def rate_label(key: RateKey) -> str:
    """27%, or the case's code (TAM, AAM, ATK, ...) that the summary explains."""
    kind, value = key
    return rate_text(Decimal(value) * 100) if kind == "vatPercentage" else value


def _summary_label(key: RateKey) -> str:
    """The rate, or the case with its legal ground (ÁFA tv. 169. § requires the ground)."""
    kind, value = key
    if kind == "vatPercentage":
        return rate_label(key)
    reasons = EXEMPTION_CASES if kind == "vatExemption" else OUT_OF_SCOPE_CASES
    return f"{value} – {reasons[value]}"
