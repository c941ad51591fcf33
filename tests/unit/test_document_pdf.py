"""The document PDF carries Hungarian letters as real glyphs, and the e-mail carries the PDF."""

from __future__ import annotations

import re

from fontTools.ttLib import TTFont

from shopsync.adapters.mail.message import document_message
from shopsync.adapters.mail.pdf import FONT, render_pdf
from shopsync.adapters.mail.pdf_fonts import bold_font
from shopsync.domain.invoice_page import invoice_page
from tests.invoice_samples import INVOICE, PROFORMA

PAGE = invoice_page(INVOICE)


def test_the_fonts_have_glyphs_for_every_hungarian_accented_letter() -> None:
    for font in (FONT, bold_font()):
        cmap = TTFont(str(font)).getBestCmap()
        assert all(ord(letter) in cmap for letter in "áéíóöőúüűÁÉÍÓÖŐÚÜŰ"), font


def test_pdf_maps_o_and_u_double_acute_to_real_glyphs() -> None:
    pdf = render_pdf(PAGE)
    assert pdf.startswith(b"%PDF")
    mapping = dict(re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", pdf))
    by_unicode = {unicode: glyph for glyph, unicode in mapping.items()}
    for letter in "őűŐŰ":
        glyph = by_unicode.get(f"{ord(letter):04X}".encode())
        assert glyph not in (None, b"0000"), letter


def test_the_email_has_plain_and_html_bodies_and_the_pdf_attached() -> None:
    pdf = render_pdf(PAGE)
    message = document_message(PAGE, pdf, "ShopSync <a@b.hu>", "ursula@example.hu")
    assert message["To"] == "ursula@example.hu"
    assert message["Subject"] == "Számla INV-000042 – Tükörfúró Kft."
    html = message.get_body(("html",))
    assert html is not None and "Őze Űrsula" in html.get_content()
    assert "29 546 Ft" in html.get_content()
    plain = message.get_body(("plain",))
    assert plain is not None and "Fizetendő: 29 546 Ft" in plain.get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["INV-000042.pdf"]
    assert attachments[0].get_content() == pdf


def test_a_proformas_email_calls_it_a_payment_request() -> None:
    page = invoice_page(PROFORMA)
    message = document_message(page, render_pdf(page), "a@b.hu", "ursula@example.hu")
    assert message["Subject"] == "Díjbekérő PRO-000007 – Tükörfúró Kft."
