"""A document as a PDF, in a font that has every Hungarian letter (ő, ű, Ő, Ű)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import fontpkg_noto_sans
from fpdf import FPDF

FONT = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
TITLES = {"invoice": "Számla", "proforma": "Díjbekérő (proforma)", "storno": "Sztornó számla"}


@dataclass(frozen=True)
class PdfLine:
    name: str
    quantity: Decimal
    unit_net_price: Decimal
    vat_rate: Decimal
    gross: Decimal


@dataclass(frozen=True)
class PdfDocument:
    kind: str
    number: str
    supplier: str
    buyer_name: str
    buyer_address: str
    buyer_tax_number: str
    issued: str
    currency: str
    lines: tuple[PdfLine, ...]
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    reference: str = ""  # a storno's invoice, an invoice's proforma: "Díjbekérő: PRO-000001"


def money(amount: Decimal, currency: str) -> str:
    places = Decimal(1) if currency == "HUF" else Decimal("0.01")
    return f"{amount.quantize(places):,f}".replace(",", " ") + f" {currency}"


COLUMNS = ("Megnevezés", "Menny.", "Nettó egységár", "ÁFA", "Bruttó")
WIDTHS = (80, 18, 32, 18, 40)


def render_pdf(document: PdfDocument) -> bytes:
    """A one-page document PDF (lines wrap onto further pages as needed)."""
    pdf = FPDF()
    pdf.add_font("Noto", "", str(FONT))
    pdf.add_page()
    _title(pdf, document)
    _parties(pdf, document)
    pdf.ln(4)
    _row(pdf, COLUMNS)
    for line in document.lines:
        _row(pdf, _line_cells(line, document.currency))
    pdf.ln(4)
    _totals(pdf, document)
    return bytes(pdf.output())


def _title(pdf: FPDF, document: PdfDocument) -> None:
    pdf.set_font("Noto", size=16)
    pdf.cell(
        text=f"{TITLES.get(document.kind, document.kind)} {document.number}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Noto", size=10)


def _parties(pdf: FPDF, document: PdfDocument) -> None:
    """Who sells, who buys, when, and what the document refers to (empty fields left out)."""
    for label, value in (
        ("Eladó", document.supplier),
        ("Vevő", document.buyer_name),
        ("Cím", document.buyer_address),
        ("Adószám", document.buyer_tax_number),
        ("Kelt", document.issued),
        ("Hivatkozás", document.reference),
    ):
        if value:
            pdf.cell(text=f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")


def _line_cells(line: PdfLine, currency: str) -> tuple[str, ...]:
    return (
        line.name[:48],
        f"{line.quantity.normalize():f}",
        money(line.unit_net_price, currency),
        f"{line.vat_rate.normalize():f}%",
        money(line.gross, currency),
    )


def _row(pdf: FPDF, cells: tuple[str, ...]) -> None:
    for text, width in zip(cells, WIDTHS, strict=True):
        pdf.cell(width, 7, text, border=1)
    pdf.ln()


def _totals(pdf: FPDF, document: PdfDocument) -> None:
    for label, amount in (
        ("Nettó összesen", document.total_net),
        ("ÁFA összesen", document.total_vat),
        ("Fizetendő (bruttó)", document.total_gross),
    ):
        pdf.cell(text=f"{label}: {money(amount, document.currency)}", new_x="LMARGIN", new_y="NEXT")
