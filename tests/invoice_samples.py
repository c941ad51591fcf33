"""Documents' facts for the PDF tests: an invoice, a storno, a proforma, a EUR invoice, a draft."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from shopsync.domain.documents import DocumentKind, Line, LineKind
from shopsync.domain.invoice_page import DocumentFacts, Original, Party, Payment
from shopsync.domain.invoice_vat import SoldLine

SUPPLIER = Party(
    "Tükörfúró Kft.",
    "1037 Budapest, Bécsi út 52.",
    tax_number="12345678-2-41",
    eu_vat_number="HU12345678",
    bank_account="12345678-12345678-12345678",
)
BUYER = Party("Őze Űrsula Bt.", "4025 Debrecen, Petőfi tér 1.", tax_number="87654321-2-09")
LATE_EVENING = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # 27 November in Budapest


def line(kind: LineKind, name: str, qty: str, price: str, rate: str) -> SoldLine:
    quantity, unit_price, vat_rate = Decimal(qty), Decimal(price), Decimal(rate)
    net = quantity * unit_price
    vat = (net * vat_rate / 100).quantize(Decimal("0.01"))
    return SoldLine(Line(kind, name, "", quantity, unit_price, vat_rate, net, vat, net + vat), "db")


HUF_LINES = (
    line(LineKind.PRODUCT, "Árvíztűrő tükörfúrógép, 750 W, kofferben", "2", "10000", "27"),
    line(LineKind.PRODUCT, "Szakácskönyv: A magyar konyha ízei", "1", "4000", "5"),
    line(LineKind.PRODUCT, "Ajándékutalvány-kártya", "1", "1000", "0"),
    line(LineKind.SHIPPING, "Házhozszállítás futárral", "1", "1500", "27"),
    line(LineKind.DISCOUNT, "Kupon NYAR10 (27%)", "1", "-2000", "27"),
    line(LineKind.DISCOUNT, "Kupon NYAR10 (5%)", "1", "-400", "5"),
    line(LineKind.ROUNDING, "Kerekítés", "1", "1", "0"),
)


def totals(lines: tuple[SoldLine, ...]) -> tuple[Decimal, Decimal, Decimal]:
    return (
        sum((s.line.net for s in lines), Decimal(0)),
        sum((s.line.vat for s in lines), Decimal(0)),
        sum((s.line.gross for s in lines), Decimal(0)),
    )


INVOICE = DocumentFacts(
    kind=DocumentKind.INVOICE,
    draft=False,
    number="INV-000042",
    order_ref="1042",
    issued_at=LATE_EVENING,
    issue_day=date(2026, 11, 27),
    supplier=SUPPLIER,
    buyer=BUYER,
    currency="HUF",
    lines=HUF_LINES,
    totals=totals(HUF_LINES),
    payment=Payment("Banki átutalás", 8),
    zero_vat_case="TAM",
    proforma_number="PRO-000007",
)


def negated(sold: SoldLine) -> SoldLine:
    old = sold.line
    flipped = replace(old, quantity=-old.quantity, net=-old.net, vat=-old.vat, gross=-old.gross)
    return SoldLine(flipped, sold.unit)


STORNO_LINES = tuple(negated(sold) for sold in HUF_LINES)
STORNO = replace(
    INVOICE,
    kind=DocumentKind.STORNO,
    number="INV-000043",
    issued_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    issue_day=date(2026, 12, 3),
    lines=STORNO_LINES,
    totals=totals(STORNO_LINES),
    original=Original("INV-000042", date(2026, 11, 27)),
    proforma_number="",
)
PROFORMA = replace(
    INVOICE,
    kind=DocumentKind.PROFORMA,
    number="PRO-000007",
    payment=Payment("Banki átutalás", 8),
    proforma_number="",
)
EUR_LINES = (
    line(LineKind.PRODUCT, "Árvíztűrő tükörfúrógép", "3", "49.90", "27"),
    line(LineKind.PRODUCT, "Szakácskönyv", "2", "12.50", "5"),
    line(LineKind.SHIPPING, "Nemzetközi szállítás", "1", "15.00", "27"),
)
EUR_INVOICE = replace(
    INVOICE,
    number="INV-000044",
    buyer=Party("Müller GmbH", "10115 Berlin, Invalidenstraße 12., Németország"),
    currency="EUR",
    lines=EUR_LINES,
    totals=totals(EUR_LINES),
    payment=Payment("Bankkártya (Barion)", 0),
    huf_rate=Decimal("395.12"),
    proforma_number="",
)
DRAFT = replace(INVOICE, draft=True, number="", proforma_number="")
