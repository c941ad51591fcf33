"""The sections of a document's PDF page, top to bottom; each lays out texts the page holds."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from shopsync.domain.invoice_page import InvoicePage, Party

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (22, 73, 122)
WARN = (176, 42, 55)
HEAD_FILL = (232, 238, 245)
STRIPE_FILL = (247, 249, 251)
#: Tables as the page draws them: bold blue headings on a tint, striped rows, rules between.
TABLE_STYLE: dict[str, object] = {
    "line_height": 5,
    "padding": 1.2,
    "headings_style": FontFace(emphasis="BOLD", color=ACCENT, fill_color=HEAD_FILL, size_pt=8),
    "borders_layout": TableBordersLayout.HORIZONTAL_LINES,
    "cell_fill_color": STRIPE_FILL,
    "cell_fill_mode": "ROWS",
}
LINE_WIDTHS = (58, 13, 9, 22, 14, 21, 20, 23)
RIGHT = ("LEFT", "RIGHT", "CENTER", "RIGHT", "CENTER", "RIGHT", "RIGHT", "RIGHT")


def heading(pdf: FPDF, page: InvoicePage) -> None:
    """The title and number, large, on the left; the serial number boxed on the right."""
    pdf.set_font("Noto", "B", 20)
    pdf.set_text_color(*(WARN if page.watermark else ACCENT))
    pdf.cell(pdf.epw * 0.62, 11, page.title)
    pdf.set_font("Noto", "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.epw * 0.38, 4, "Sorszám", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(pdf.l_margin + pdf.epw * 0.62)
    pdf.set_font("Noto", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(pdf.epw * 0.38, 7, page.number or "—", align="R", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, ACCENT, 0.6)


def notices(pdf: FPDF, page: InvoicePage) -> None:
    """What the document refers to, or why it is not an invoice, in a box that stands out."""
    for text in page.notices:
        pdf.set_font("Noto", "B" if page.watermark or "nem számla" in page.title else "", 9)
        pdf.set_text_color(*(WARN if "nem számla" in page.title else INK))
        pdf.set_fill_color(*HEAD_FILL)
        pdf.multi_cell(0, 5.5, text, fill=True, padding=2, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_text_color(*INK)


def parties(pdf: FPDF, page: InvoicePage) -> None:
    """Supplier (szállító) left, buyer (vevő) right, side by side."""
    top, width = pdf.get_y() + 2, pdf.epw / 2 - 3
    _party(pdf, "Szállító (eladó)", page.supplier, pdf.l_margin, top, width)
    left_end = pdf.get_y()
    _party(pdf, "Vevő", page.buyer, pdf.l_margin + width + 6, top, width)
    pdf.set_y(max(left_end, pdf.get_y()) + 4)


def _party(pdf: FPDF, label: str, party: Party, x: float, top: float, width: float) -> None:
    pdf.set_xy(x, top)
    pdf.set_font("Noto", "B", 7.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 4.5, label.upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Noto", "B", 11)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width, 5.5, party.name or "—", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Noto", "", 9)
    for detail in party.details():
        pdf.multi_cell(width, 4.6, detail, new_x="LEFT", new_y="NEXT")


def dates_box(pdf: FPDF, page: InvoicePage) -> None:
    """Dates and payment in one shaded band: small labels over the values."""
    width, top = pdf.epw / len(page.dates), pdf.get_y()
    pdf.set_fill_color(*HEAD_FILL)
    pdf.rect(pdf.l_margin, top, pdf.epw, 13, style="F")
    for column, (label, value) in enumerate(page.dates):
        pdf.set_xy(pdf.l_margin + column * width, top + 1.5)
        pdf.set_font("Noto", "", 7)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 4, label, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("Noto", "B", 9)
        pdf.set_text_color(*INK)
        pdf.cell(width, 5.5, value, align="C")
    pdf.set_y(top + 18)


def line_table(pdf: FPDF, page: InvoicePage) -> None:
    """Every line; long descriptions wrap, the heading repeats on a new page."""
    _table(pdf, (page.line_columns, *page.lines), LINE_WIDTHS, RIGHT, pdf.epw)
    pdf.ln(5)


def vat_table(pdf: FPDF, page: InvoicePage) -> None:
    """The summary per VAT rate (or exemption case), the exchange rate under it."""
    _subtitle(pdf, "ÁFA-összesítő")
    count = len(page.vat_columns)
    widths = (72, *([27] * (count - 1)))
    aligns = ("LEFT", *(["RIGHT"] * (count - 1)))
    _table(pdf, (page.vat_columns, *page.vat_rows), widths, aligns, sum(widths), "LEFT")
    if page.exchange:
        pdf.set_font("Noto", "", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 6, page.exchange, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
    pdf.ln(3)


def totals_block(pdf: FPDF, page: InvoicePage) -> None:
    """Net, VAT and gross, then the amount to pay in a bold band, on the right."""
    x, width = pdf.l_margin + pdf.epw - 90, 90
    pdf.set_font("Noto", "", 9.5)
    for label, value in page.totals:
        pdf.set_x(x)
        pdf.cell(width * 0.55, 6, label)
        pdf.cell(width * 0.45, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_fill_color(*ACCENT)
    pdf.set_text_color(255)
    pdf.set_font("Noto", "B", 12)
    pdf.cell(width * 0.45, 10, f"  {page.payable[0]}", fill=True)
    pdf.cell(width * 0.55, 10, f"{page.payable[1]}  ", fill=True, align="R")
    pdf.set_text_color(*INK)


def _table(
    pdf: FPDF,
    rows: tuple[tuple[str, ...], ...],
    widths: tuple[int, ...],
    aligns: tuple[str, ...],
    width: float,
    align: str = "CENTER",
) -> None:
    pdf.set_font("Noto", "", 8.5)
    pdf.set_draw_color(210)
    placed = {"col_widths": widths, "text_align": aligns, "width": width, "align": align}
    with pdf.table(**placed, **TABLE_STYLE) as table:
        for row in rows:
            table.row(row)


def _subtitle(pdf: FPDF, text: str) -> None:
    pdf.set_font("Noto", "B", 9)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _rule(pdf: FPDF, color: tuple[int, int, int], width: float) -> None:
    pdf.set_draw_color(*color)
    pdf.set_line_width(width)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_line_width(0.2)
    pdf.ln(4)
