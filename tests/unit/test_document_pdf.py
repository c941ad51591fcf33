"""The document PDF carries Hungarian letters as real glyphs, and the e-mail carries the PDF."""

from __future__ import annotations

import re
from decimal import Decimal

from fontTools.ttLib import TTFont

from shopsync.adapters.mail.message import document_message
from shopsync.adapters.mail.pdf import FONT, PdfDocument, PdfLine, render_pdf

DOCUMENT = PdfDocument(
    kind="invoice",
    number="INV-000042",
    supplier="Tükörfúró Kft.",
    buyer_name="Őze Űrsula",
    buyer_address="4025 Debrecen, Petőfi tér 1.",
    buyer_tax_number="",
    issued="2026-11-26",
    currency="HUF",
    lines=(
        PdfLine(
            "Árvíztűrő tükörfúrógép", Decimal(2), Decimal("1000"), Decimal(27), Decimal("2540")
        ),
    ),
    total_net=Decimal(2000),
    total_vat=Decimal(540),
    total_gross=Decimal(2540),
)


def test_the_font_has_glyphs_for_every_hungarian_accented_letter() -> None:
    cmap = TTFont(str(FONT)).getBestCmap()
    assert all(ord(letter) in cmap for letter in "áéíóöőúüűÁÉÍÓÖŐÚÜŰ")


def test_pdf_maps_o_and_u_double_acute_to_real_glyphs() -> None:
    pdf = render_pdf(DOCUMENT)
    assert pdf.startswith(b"%PDF")
    mapping = dict(re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", pdf))
    by_unicode = {unicode: glyph for glyph, unicode in mapping.items()}
    for letter in "őűŐŰ":
        glyph = by_unicode.get(f"{ord(letter):04X}".encode())
        assert glyph not in (None, b"0000"), letter


def test_the_email_has_plain_and_html_bodies_and_the_pdf_attached() -> None:
    pdf = render_pdf(DOCUMENT)
    message = document_message(DOCUMENT, pdf, "ShopSync <a@b.hu>", "ursula@example.hu")
    assert message["To"] == "ursula@example.hu"
    assert "INV-000042" in message["Subject"]
    html = message.get_body(("html",))
    assert html is not None and "Őze Űrsula" in html.get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["INV-000042.pdf"]
    assert attachments[0].get_content() == pdf


def test_the_pdf_shows_the_budapest_day_of_issue_not_the_servers_utc_day() -> None:
    from datetime import UTC, datetime

    from shopsync.adapters.db.models import Document
    from shopsync.adapters.mail.relay import pdf_document

    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Budapest
    document = Document(
        id=1,
        kind="invoice",
        document_number="INV-000001",
        buyer_name="Őze Űrsula",
        buyer_address={},
        buyer_tax_number="",
        issued_at=late,
        created_at=late,
        currency="HUF",
        lines=[],
        total_net=Decimal(0),
        total_vat=Decimal(0),
        total_gross=Decimal(0),
    )
    assert pdf_document(document, "Tükörfúró Kft.").issued == "2027-01-01"
