"""What the page shows, decided without a PDF: dates, due days, titles, VAT per rate in HUF."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopsync.domain.invoice_figures import amount_text, huf_text, number_text
from shopsync.domain.invoice_page import Original, fulfilment_day, invoice_page
from shopsync.domain.nav_xml import NavDataError
from shopsync.domain.payment_terms import due_days, method_name
from tests.invoice_samples import DRAFT, EUR_INVOICE, INVOICE, PROFORMA, STORNO


@pytest.mark.parametrize(
    ("name", "code", "method", "days"),
    [
        ("Banki átutalás", "BANK_TRANSFER", "TRANSFER", 8),
        ("Utánvét", "COD", "CASH", 0),
        ("Bankkártya", "BARION", "CARD", 0),
        ("Valami más", "", "OTHER", 0),
    ],
)
def test_due_days_default_to_eight_for_a_transfer_and_none_for_the_rest(
    name: str, code: str, method: str, days: int
) -> None:
    assert due_days(name, code, method) == days  # type: ignore[arg-type]


def test_the_connections_due_days_go_by_code_then_name_then_nav_method() -> None:
    overrides = {"bank_transfer": 15, "Utánvét": 3, "CARD": 1}
    assert due_days("Banki átutalás", "BANK_TRANSFER", "TRANSFER", overrides) == 15
    assert due_days("utánvét", "COD", "CASH", overrides) == 3
    assert due_days("SimplePay", "SIMPLE", "CARD", overrides) == 1
    assert due_days("Átutalás", "", "TRANSFER", {"CARD": 1}) == 8


def test_a_method_without_a_shop_name_is_named_in_hungarian() -> None:
    assert method_name("", "TRANSFER") == "Átutalás"
    assert method_name(" Barion ", "CARD") == "Barion"


def test_a_storno_is_fulfilled_on_its_invoices_day_anything_else_on_its_own() -> None:
    assert fulfilment_day(date(2026, 12, 3), None) == date(2026, 12, 3)
    original = Original("INV-000001", date(2026, 11, 27))
    assert fulfilment_day(date(2026, 12, 3), original) == date(2026, 11, 27)


def test_titles_say_what_each_document_is() -> None:
    assert (invoice_page(INVOICE).title, invoice_page(STORNO).title) == ("Számla", "Sztornó számla")
    assert invoice_page(PROFORMA).title == "Díjbekérő — nem számla"
    draft = invoice_page(DRAFT)
    assert (draft.title, draft.watermark, draft.number) == (
        "PISZKOZAT — nem számla",
        "PISZKOZAT — nem számla",
        "",
    )


def test_a_zero_rate_line_without_its_exemption_case_is_refused_as_nav_refuses_it() -> None:
    with pytest.raises(NavDataError, match="nav_zero_vat_case"):
        invoice_page(replace(INVOICE, zero_vat_case=None))


def test_a_huf_invoice_has_no_exchange_rate_and_no_huf_column() -> None:
    page = invoice_page(INVOICE)
    assert page.exchange == "" and "ÁFA forintban" not in page.vat_columns
    assert "ÁFA forintban" in invoice_page(EUR_INVOICE).vat_columns


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_amounts_read_back_to_the_rounded_value(amount: Decimal) -> None:
    text = amount_text(amount, "EUR").removesuffix(" EUR")
    assert Decimal(text.replace(" ", "").replace(",", ".")) == amount
    assert "-0," not in huf_text(Decimal("-0.001"))


def test_numbers_drop_trailing_zeros_and_use_a_decimal_comma() -> None:
    assert [number_text(Decimal(v)) for v in ("2.000", "1.50", "100", "-0")] == [
        "2",
        "1,5",
        "100",
        "0",
    ]
