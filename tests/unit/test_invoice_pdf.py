"""The PDF as pdftotext reads it shows everything ÁFA tv. 169. § asks of an invoice, a storno,
a proforma and a EUR invoice; a draft never reads as final; the same document, the same bytes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from shopsync.adapters.mail.pdf import render_pdf
from shopsync.domain.invoice_page import DocumentFacts, invoice_page
from tests.invoice_samples import DRAFT, EUR_INVOICE, INVOICE, PROFORMA, STORNO
from tests.pdf_tools import ink_fraction, page_png, pdf_text

SUPPLIER_BLOCK = (
    "Tükörfúró Kft.",
    "1037 Budapest, Bécsi út 52.",
    "Adószám: 12345678-2-41",
    "Közösségi adószám: HU12345678",
    "Bankszámlaszám: 12345678-12345678-12345678",
)
BUYER_BLOCK = ("Őze Űrsula Bt.", "4025 Debrecen, Petőfi tér 1.", "Adószám: 87654321-2-09")
# Description, quantity, unit, net unit price, rate (or case), net, VAT, gross — one printed row.
HUF_ROWS = (
    "2 db 10 000 Ft 27% 20 000 Ft 5 400 Ft 25 400 Ft",
    "Szakácskönyv: A magyar konyha ízei 1 db 4 000 Ft 5% 4 000 Ft 200 Ft 4 200 Ft",
    "Ajándékutalvány-kártya 1 db 1 000 Ft TAM 1 000 Ft 0 Ft 1 000 Ft",
    "Házhozszállítás futárral 1 db 1 500 Ft 27% 1 500 Ft 405 Ft 1 905 Ft",
    "Kupon NYAR10 (27%) 1 db -2 000 Ft 27% -2 000 Ft -540 Ft -2 540 Ft",
    "Kupon NYAR10 (5%) 1 db -400 Ft 5% -400 Ft -20 Ft -420 Ft",
    "Kerekítés 1 db 1 Ft ATK 1 Ft 0 Ft 1 Ft",
)
HUF_SUMMARY = (
    "27% 19 500 Ft 5 265 Ft 24 765 Ft",
    "5% 3 600 Ft 180 Ft 3 780 Ft",
    "TAM – Tárgyi adómentes, ÁFA tv. 85-86. § 1 000 Ft 0 Ft 1 000 Ft",
    "ATK – ÁFA hatályán kívül 1 Ft 0 Ft 1 Ft",
)
HUF_TOTALS = (
    "Nettó összesen 24 101 Ft",
    "ÁFA összesen 5 445 Ft",
    "Bruttó összesen 29 546 Ft",
    "Fizetendő 29 546 Ft",
)
DATE_LABELS = "Kelt (kiállítás dátuma) Teljesítés dátuma Fizetési határidő Fizetési mód Pénznem"


def text_of(facts: DocumentFacts) -> str:
    return pdf_text(render_pdf(invoice_page(facts)))


def missing(text: str, expected: tuple[str, ...]) -> list[str]:
    lines = text.splitlines()
    return [want for want in expected if not any(want in line for line in lines)]


def test_an_invoice_shows_parties_dates_payment_lines_vat_per_rate_and_totals() -> None:
    text = text_of(INVOICE)
    assert "Számla INV-000042" in text  # title and serial number
    assert "Kerekítés" in text and "Árvíztűrő tükörfúrógép, 750 W," in text
    expected = (
        *SUPPLIER_BLOCK,
        *BUYER_BLOCK,
        DATE_LABELS,
        # issued 23:30 UTC on 26 November: 27 November in Budapest; due 8 days later
        "2026.11.27. 2026.11.27. 2026.12.05. Banki átutalás HUF 1042",
        "Megnevezés Menny. Me. ÁFA Nettó érték ÁFA érték Bruttó érték",
        *HUF_ROWS,
        "ÁFA-kulcs Nettó (adóalap) ÁFA Bruttó",
        *HUF_SUMMARY,
        *HUF_TOTALS,
        "Előzmény díjbekérő: PRO-000007",
    )
    assert missing(text, expected) == []
    assert "nem számla" not in text and "Árfolyam" not in text


def test_a_storno_says_so_and_names_the_invoice_it_reverses_with_its_date() -> None:
    text = text_of(STORNO)
    assert "Sztornó számla INV-000043" in text
    assert "Eredeti számla: INV-000042, kelte: 2026.11.27." in " ".join(text.split())
    expected = (
        *SUPPLIER_BLOCK,
        *BUYER_BLOCK,
        DATE_LABELS,
        # issued 3 December; fulfilment is the reversed invoice's day
        "2026.12.03. 2026.11.27. 2026.12.11. Banki átutalás HUF 1042",
        "-2 db 10 000 Ft 27% -20 000 Ft -5 400 Ft -25 400 Ft",
        "Kupon NYAR10 (27%) -1 db -2 000 Ft 27% 2 000 Ft 540 Ft 2 540 Ft",
        "27% -19 500 Ft -5 265 Ft -24 765 Ft",
        "TAM – Tárgyi adómentes, ÁFA tv. 85-86. § -1 000 Ft 0 Ft -1 000 Ft",
        "Bruttó összesen -29 546 Ft",
        "Végösszeg -29 546 Ft",
    )
    assert missing(text, expected) == []


def test_a_proforma_says_plainly_it_is_no_invoice_and_shows_no_fulfilment_date() -> None:
    text = text_of(PROFORMA)
    assert "Díjbekérő — nem számla PRO-000007" in text
    assert "nem számla: áfa levonására nem jogosít" in text
    expected = (
        *SUPPLIER_BLOCK,
        *BUYER_BLOCK,
        "Kelt (kiállítás dátuma) Fizetési határidő Fizetési mód Pénznem",
        "2026.11.27. 2026.12.05. Banki átutalás HUF 1042",
        *HUF_ROWS,
        *HUF_SUMMARY,
        *HUF_TOTALS,
    )
    assert missing(text, expected) == []
    assert "Teljesítés" not in text
    assert not any(line.startswith("Számla") for line in text.splitlines())


def test_a_eur_invoice_shows_the_exchange_rate_and_the_vat_in_huf_per_rate() -> None:
    text = text_of(EUR_INVOICE)
    expected = (
        "Számla INV-000044",
        *SUPPLIER_BLOCK,
        "Müller GmbH",
        "10115 Berlin, Invalidenstraße 12., Németország",
        DATE_LABELS,
        "2026.11.27. 2026.11.27. 2026.11.27. Bankkártya (Barion) EUR 1042",
        "Árvíztűrő tükörfúrógép 3 db 49,90 EUR 27% 149,70 EUR 40,42 EUR 190,12 EUR",
        "Szakácskönyv 2 db 12,50 EUR 5% 25,00 EUR 1,25 EUR 26,25 EUR",
        "ÁFA-kulcs Nettó (adóalap) ÁFA Bruttó ÁFA forintban",
        # each line's VAT in HUF to the fillér, then summed per rate (as NAV is told)
        "27% 164,70 EUR 44,47 EUR 209,17 EUR 17 570,99 Ft",
        "5% 25,00 EUR 1,25 EUR 26,25 EUR 493,90 Ft",
        "Árfolyam: 1 EUR = 395,12 Ft (teljesítés: 2026.11.27.)",
        "ÁFA összesen 45,72 EUR",
        "ÁFA összesen forintban 18 064,89 Ft",
        "Fizetendő 235,42 EUR",
    )
    assert missing(text, expected) == []


def test_a_draft_is_never_shown_as_a_final_document(tmp_path: Path) -> None:
    text = text_of(DRAFT)
    assert "PISZKOZAT — nem számla" in text
    assert "Ez a dokumentum piszkozat, nem számla" in text
    assert "INV-" not in text and "Teljesítés" not in text and "Fizetési határidő" not in text
    assert not any(line.startswith("Számla") for line in text.splitlines())
    # the watermark across the page: the draft's page carries more ink than the final one's
    final = ink_fraction(page_png(render_pdf(invoice_page(replace(DRAFT, draft=False))), tmp_path))
    draft = ink_fraction(page_png(render_pdf(invoice_page(DRAFT)), tmp_path))
    assert draft > final + 0.02


def test_the_same_document_renders_to_the_same_bytes_and_another_to_other_bytes() -> None:
    first, again = render_pdf(invoice_page(INVOICE)), render_pdf(invoice_page(INVOICE))
    assert first == again
    assert b"D:20261126233000" in first  # the PDF's date is the document's issue, not now
    other = render_pdf(invoice_page(replace(INVOICE, number="INV-000099")))
    assert other != first


def test_a_rendered_page_is_not_blank(tmp_path: Path) -> None:
    png = page_png(render_pdf(invoice_page(INVOICE)), tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert 0.03 < ink_fraction(png) < 0.6  # text, rules and shaded bands; not a black page


@pytest.mark.parametrize("facts", [INVOICE, STORNO, PROFORMA, EUR_INVOICE, DRAFT])
def test_every_kind_has_hungarian_double_acute_letters_as_text(facts: DocumentFacts) -> None:
    text = text_of(facts)
    assert "Árvíztűrő tükörfúrógép" in text and "Tükörfúró Kft." in text
    assert "Őze Űrsula Bt." in text or facts.currency == "EUR"
