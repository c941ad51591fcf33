"""What a document's page shows (ÁFA tv. 169. §, and what businesses expect besides): title,
parties, dates and payment, lines, VAT per rate, totals, the HUF VAT of a foreign currency.

Pure: facts in, the page's texts out; shopsync.adapters.mail.pdf only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from shopsync.domain.documents import DocumentKind
from shopsync.domain.invoice_figures import amount_text, day_text, huf_text, number_text
from shopsync.domain.invoice_texts import heading_of
from shopsync.domain.invoice_vat import (
    HUF_VAT_COLUMN,
    LINE_COLUMNS,
    VAT_COLUMNS,
    SoldLine,
    line_cells,
    vat_cells,
    vat_rows,
)

Rows = tuple[tuple[str, ...], ...]
Pairs = tuple[tuple[str, str], ...]


class PageRefused(Exception):
    """The document cannot be shown as the law asks yet; the message says what to give."""


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    tax_number: str = ""
    eu_vat_number: str = ""
    bank_account: str = ""

    def details(self) -> tuple[str, ...]:
        """The address, then the numbers that are set, each labelled."""
        labelled = (
            ("Adószám", self.tax_number),
            ("Közösségi adószám", self.eu_vat_number),
            ("Bankszámlaszám", self.bank_account),
        )
        return (self.address, *(f"{label}: {value}" for label, value in labelled if value))


@dataclass(frozen=True)
class Payment:
    method: str  # as the document names it: the shop's name, or NAV's in Hungarian
    due_days: int


@dataclass(frozen=True)
class Original:
    """The invoice a storno reverses."""

    number: str
    issue_day: date


@dataclass(frozen=True)
class DocumentFacts:
    kind: DocumentKind
    draft: bool
    number: str  # "" until a draft is finalized
    order_ref: str
    issued_at: datetime  # aware UTC: the issue (a draft: its creation), the PDF's own date
    issue_day: date  # Budapest's day of issue
    supplier: Party
    buyer: Party
    currency: str
    lines: tuple[SoldLine, ...]
    totals: tuple[Decimal, Decimal, Decimal]  # net, VAT, gross
    payment: Payment
    zero_vat_case: str | None = None
    huf_rate: Decimal = Decimal(1)  # HUF per unit on the fulfilment day
    original: Original | None = None
    proforma_number: str = ""  # the díjbekérő an invoice follows


@dataclass(frozen=True)
class InvoicePage:
    kind_name: str  # "Számla", "Díjbekérő", ... (an e-mail's subject)
    title: str
    number: str
    notices: tuple[str, ...]
    watermark: str
    supplier: Party
    buyer: Party
    dates: Pairs
    line_columns: tuple[str, ...]
    lines: Rows
    vat_columns: tuple[str, ...]
    vat_rows: Rows
    totals: Pairs
    payable: tuple[str, str]
    exchange: str
    issued_at: datetime


def fulfilment_day(issue_day: date, original: Original | None) -> date:
    """A webshop sale is fulfilled on its invoice's day; a storno takes its invoice's day."""
    return issue_day if original is None else original.issue_day


def invoice_page(facts: DocumentFacts) -> InvoicePage:
    """The page of a document: everything it shows, as text."""
    heading = heading_of(facts.kind, facts.draft, facts.original, facts.proforma_number)
    return InvoicePage(
        kind_name=heading.kind_name,
        title=heading.title,
        number=facts.number,
        notices=heading.notices,
        watermark=heading.watermark,
        supplier=facts.supplier,
        buyer=facts.buyer,
        dates=_dates(facts),
        line_columns=LINE_COLUMNS,
        lines=tuple(line_cells(s, facts.currency, facts.zero_vat_case) for s in facts.lines),
        vat_columns=(*VAT_COLUMNS, HUF_VAT_COLUMN) if _foreign(facts) else VAT_COLUMNS,
        vat_rows=_vat_rows(facts),
        totals=_totals(facts),
        payable=_payable(facts),
        exchange=_exchange(facts),
        issued_at=facts.issued_at,
    )


def _foreign(facts: DocumentFacts) -> bool:
    return facts.currency != "HUF"


def _dates(facts: DocumentFacts) -> Pairs:
    """Issue, fulfilment and due days; a draft has none yet, a proforma is not fulfilled."""
    due = facts.issue_day + timedelta(days=facts.payment.due_days)
    days: Pairs = (
        ("Kelt (kiállítás dátuma)", day_text(facts.issue_day)),
        ("Teljesítés dátuma", day_text(fulfilment_day(facts.issue_day, facts.original))),
        ("Fizetési határidő", day_text(due)),
    )
    if facts.draft:
        days = (("Kelt (kiállítás dátuma)", "véglegesítéskor"),)
    elif facts.kind is DocumentKind.PROFORMA:
        days = (days[0], days[2])
    rest = (("Fizetési mód", facts.payment.method), ("Pénznem", facts.currency))
    return (*days, *rest, *((("Rendelésszám", facts.order_ref),) if facts.order_ref else ()))


def _vat_rows(facts: DocumentFacts) -> Rows:
    rows = vat_rows([s.line for s in facts.lines], facts.zero_vat_case, facts.huf_rate)
    return tuple(vat_cells(row, facts.currency, _foreign(facts)) for row in rows)


def _totals(facts: DocumentFacts) -> Pairs:
    net, vat, gross = (amount_text(value, facts.currency) for value in facts.totals)
    totals = (("Nettó összesen", net), ("ÁFA összesen", vat), ("Bruttó összesen", gross))
    if not _foreign(facts):
        return totals
    rows = vat_rows([s.line for s in facts.lines], facts.zero_vat_case, facts.huf_rate)
    vat_huf = sum((row.vat_huf for row in rows), Decimal(0))
    return (*totals, ("ÁFA összesen forintban", huf_text(vat_huf)))


def _payable(facts: DocumentFacts) -> tuple[str, str]:
    label = "Végösszeg" if facts.kind is DocumentKind.STORNO else "Fizetendő"
    return label, amount_text(facts.totals[2], facts.currency)


def _exchange(facts: DocumentFacts) -> str:
    """The rate the HUF values use: the fulfilment day's (or the last one before it)."""
    if not _foreign(facts):
        return ""
    day = day_text(fulfilment_day(facts.issue_day, facts.original))
    return f"Árfolyam: 1 {facts.currency} = {number_text(facts.huf_rate)} Ft (teljesítés: {day})"
