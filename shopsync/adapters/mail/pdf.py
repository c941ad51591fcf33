"""A document's page as a PDF, in a font that has every Hungarian letter (ő, ű, Ő, Ű).

The same page always gives the same bytes (with the same fpdf2 and font): the PDF's dates
are the document's issue time and nothing random is written, so a download years later equals
the e-mailed attachment.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from shopsync.adapters.mail.pdf_fonts import FONT, bold_font
from shopsync.adapters.mail.pdf_sections import (
    MUTED,
    WARN,
    dates_box,
    heading,
    line_table,
    notices,
    parties,
    totals_block,
    vat_table,
)
from shopsync.domain.invoice_page import InvoicePage


@dataclass(frozen=True)
class RenderedDocument:
    """A document's page and its PDF: what the download and the e-mail both carry."""

    page: InvoicePage
    pdf: bytes


class _InvoicePdf(FPDF):
    def __init__(self, page: InvoicePage) -> None:
        super().__init__(format="A4")
        self.page_content = page
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(auto=True, margin=20)
        self.add_font("Noto", "", str(FONT))
        self.add_font("Noto", "B", str(bold_font()))

    def _watermark(self) -> None:
        """A draft's mark over every page, translucent so the content stays readable."""
        self.set_font("Noto", "B", 54)
        mark = self.page_content.watermark
        with (
            self.local_context(fill_opacity=0.14, text_color=WARN),
            self.rotation(35, self.w / 2, self.h / 2),
        ):
            self.text(self.w / 2 - self.get_string_width(mark) / 2, self.h / 2 + 8, mark)

    def footer(self) -> None:
        """Who issued it and the page's number; a draft's watermark over the page."""
        if self.page_content.watermark:
            self._watermark()
        supplier = self.page_content.supplier
        self.set_y(-14)
        self.set_draw_color(200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font("Noto", "", 7.5)
        self.set_text_color(*MUTED)
        who = f"{supplier.name} · {supplier.address} · Adószám: {supplier.tax_number}"
        self.cell(self.epw * 0.8, 6, who)
        self.cell(self.epw * 0.2, 6, f"{self.page_no()}/{{nb}}. oldal", align="R")


def render_pdf(page: InvoicePage) -> bytes:
    """The page as A4 PDF pages: header, parties, dates, lines, VAT per rate, totals."""
    pdf = _InvoicePdf(page)
    _metadata(pdf, page)
    pdf.add_page()
    for section in (heading, notices, parties, dates_box, line_table, vat_table, totals_block):
        section(pdf, page)
    return bytes(pdf.output())


def _metadata(pdf: FPDF, page: InvoicePage) -> None:
    # A fixed date (the document's issue) instead of now: the same document, the same bytes.
    pdf.set_creation_date(page.issued_at)
    pdf.set_title(f"{page.title} {page.number}".strip())
    pdf.set_author(page.supplier.name)
    pdf.set_lang("hu")


__all__ = ["FONT", "RenderedDocument", "render_pdf"]
