"""NAV InvoiceData built from orders: schema-valid, summary equal to the document's totals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopsync.adapters.nav.schema import validate_invoice_data
from shopsync.domain.document_building import build_document
from shopsync.domain.documents import DocumentKind, storno_of
from shopsync.domain.nav_invoice import (
    DATA_NS,
    Address,
    Customer,
    InvoiceReference,
    NavDataError,
    NavInvoice,
    Supplier,
    customer_vat_status,
    invoice_data_xml,
    payment_method_for,
)
from shopsync.domain.orders import Buyer, Order, OrderItem
from tests.nav_check import NAV_SCHEMAS
from tests.support import make_order

NS = {"d": DATA_NS, "b": "http://schemas.nav.gov.hu/OSA/3.0/base"}
SUPPLIER = Supplier(
    "Értékesítő Kft.",
    "12345678-2-41",
    Address("HU", "1037", "Budapest", "Bécsi út 52."),
    "12345678-12345678-12345678",
)

ITEMS = st.lists(
    st.builds(
        OrderItem,
        name=st.sampled_from(["Tulipán", "Őszirózsa csokor", "Ültetőföld 20 l", "Könyv"]),
        sku=st.text(alphabet="ABC123", min_size=1, max_size=5),
        unit_net_price=st.decimals(min_value=0, max_value=100000, places=2),
        vat_rate=st.sampled_from([Decimal(27), Decimal(18), Decimal(5), Decimal(0)]),
        quantity=st.one_of(
            st.integers(min_value=1, max_value=50).map(Decimal),
            st.decimals(min_value=Decimal("0.001"), max_value=100, places=3),
        ),
    ),
    min_size=1,
    max_size=8,
)
COMPANY = st.builds(
    Buyer,
    name=st.just("Beszerző Kft."),
    company=st.just("Beszerző Kft."),
    tax_number=st.sampled_from(["87654321-2-13", "876543212 13".replace(" ", ""), "ATU12345678"]),
    email=st.just("beszerzes@example.hu"),
    country=st.just("Magyarország"),
    country_code=st.sampled_from(["HU", "AT"]),
    postcode=st.just("7621"),
    city=st.just("Pécs"),
    address=st.just("Király utca 12."),
)
PRIVATE = st.builds(
    Buyer,
    name=st.just("Kovács Ödön"),
    company=st.just(""),
    tax_number=st.just(""),
    email=st.just("odon@example.hu"),
    country=st.just("Magyarország"),
    country_code=st.just("HU"),
    postcode=st.just("4033"),
    city=st.just("Debrecen"),
    address=st.just("Űrhajós utca 5."),
)


def order_of(
    items: list[OrderItem], currency: str, shipping: Decimal, coupon: Decimal, buyer: Buyer
) -> Order:
    return make_order(items, currency=currency, shipping=shipping, coupon=coupon, buyer=buyer)


def nav_invoice(order: Order, kind: DocumentKind = DocumentKind.INVOICE) -> NavInvoice:
    document = build_document(order, DocumentKind.INVOICE)
    if kind == DocumentKind.STORNO:
        document = storno_of(document)
    buyer = order.buyer
    return NavInvoice(
        number="INV-000042" if kind == DocumentKind.INVOICE else "INV-000043",
        issue_date=date(2026, 11, 27),
        delivery_date=date(2026, 11, 27),
        currency=order.currency,
        exchange_rate=Decimal("391.25") if order.currency != "HUF" else Decimal(1),
        payment_method=payment_method_for(order.payment_method, order.payment_method_code),
        supplier=SUPPLIER,
        customer=Customer(
            customer_vat_status(buyer.tax_number, buyer.is_business, buyer.country_code),
            buyer.name,
            buyer.tax_number,
            Address(buyer.country_code, buyer.postcode, buyer.city, buyer.address),
        ),
        lines=document.lines,
        zero_vat_case="TAM",
        reference=InvoiceReference("INV-000042", 1) if kind == DocumentKind.STORNO else None,
    )


def amount(root: ET.Element, path: str) -> Decimal:
    element = root.find(path, NS)
    assert element is not None and element.text is not None, path
    return Decimal(element.text)


@settings(max_examples=150, deadline=None)
@given(
    items=ITEMS,
    currency=st.sampled_from(["HUF", "EUR"]),
    shipping=st.decimals(min_value=0, max_value=5000, places=2),
    coupon=st.one_of(st.just(Decimal(0)), st.decimals(min_value=1, max_value=2000, places=2)),
    buyer=st.one_of(PRIVATE, COMPANY),
    kind=st.sampled_from([DocumentKind.INVOICE, DocumentKind.STORNO]),
)
def test_random_orders_yield_valid_xml_whose_summary_equals_the_documents_totals(
    items: list[OrderItem],
    currency: str,
    shipping: Decimal,
    coupon: Decimal,
    buyer: Buyer,
    kind: DocumentKind,
) -> None:
    invoice = nav_invoice(order_of(items, currency, shipping, coupon, buyer), kind)
    xml = invoice_data_xml(invoice)
    validate_invoice_data(xml, NAV_SCHEMAS)

    root = ET.fromstring(xml)
    totals = "d:invoiceMain/d:invoice/d:invoiceSummary/"
    net = sum((line.net for line in invoice.lines), Decimal(0))
    vat = sum((line.vat for line in invoice.lines), Decimal(0))
    gross = sum((line.gross for line in invoice.lines), Decimal(0))
    assert amount(root, totals + "d:summaryNormal/d:invoiceNetAmount") == net
    assert amount(root, totals + "d:summaryNormal/d:invoiceVatAmount") == vat
    assert amount(root, totals + "d:summaryGrossData/d:invoiceGrossAmount") == gross
    by_rate = root.findall(totals + "d:summaryNormal/d:summaryByVatRate", NS)
    assert sum(amount(r, "d:vatRateNetData/d:vatRateNetAmount") for r in by_rate) == net
    assert sum(amount(r, "d:vatRateVatData/d:vatRateVatAmount") for r in by_rate) == vat

    # NAV's tolerance: each line's VAT within 1 % of net × rate, but at least one unit.
    unit = Decimal(1) if currency == "HUF" else Decimal("0.01")
    for line in root.iter(f"{{{DATA_NS}}}line"):
        percentage = line.find("d:lineAmountsNormal/d:lineVatRate/d:vatPercentage", NS)
        if percentage is None:
            continue
        line_net = amount(line, "d:lineAmountsNormal/d:lineNetAmountData/d:lineNetAmount")
        line_vat = amount(line, "d:lineAmountsNormal/d:lineVatData/d:lineVatAmount")
        expected = line_net * Decimal(str(percentage.text))
        assert abs(line_vat - expected) <= max(abs(expected) / 100, unit)
    # HUF values: the rate times the currency amount, within a forint.
    rate = invoice.exchange_rate
    gross_huf = amount(root, totals + "d:summaryGrossData/d:invoiceGrossAmountHUF")
    assert abs(gross_huf - gross * rate) <= 1
    assert (root.find(".//d:invoiceReference", NS) is not None) == (kind == DocumentKind.STORNO)


def test_a_private_persons_xml_holds_no_buyer_name_address_or_tax_number() -> None:
    buyer = Buyer(
        "Kovács Ödön",
        "",
        "",
        "odon@example.hu",
        "Magyarország",
        "HU",
        "4033",
        "Debrecen",
        "Űrhajós utca 5.",
    )
    item = OrderItem("Tulipán", "T-1", Decimal("1000"), Decimal(27), Decimal(2))
    xml = invoice_data_xml(nav_invoice(order_of([item], "HUF", Decimal(990), Decimal(0), buyer)))
    validate_invoice_data(xml, NAV_SCHEMAS)
    customer = ET.fromstring(xml).find(".//d:customerInfo", NS)
    assert customer is not None
    assert [child.tag for child in customer] == [f"{{{DATA_NS}}}customerVatStatus"]
    assert customer[0].text == "PRIVATE_PERSON"
    text = xml.decode()
    for private in ("Kovács", "Ödön", "4033", "Debrecen", "Űrhajós"):
        assert private not in text


def test_a_company_with_a_hungarian_tax_number_is_domestic_with_name_and_address() -> None:
    buyer = Buyer(
        "Beszerző Kft.", "Beszerző Kft.", "87654321-2-13", "", "", "HU", "7621", "Pécs", "Király u."
    )
    item = OrderItem("Tulipán", "T-1", Decimal("1000"), Decimal(27), Decimal(1))
    xml = invoice_data_xml(nav_invoice(order_of([item], "HUF", Decimal(0), Decimal(0), buyer)))
    root = ET.fromstring(xml)
    assert root.findtext(".//d:customerVatStatus", namespaces=NS) == "DOMESTIC"
    assert root.findtext(".//d:customerTaxNumber/b:taxpayerId", namespaces=NS) == "87654321"
    assert root.findtext(".//d:customerName", namespaces=NS) == "Beszerző Kft."
    assert root.findtext(".//d:customerAddress//b:city", namespaces=NS) == "Pécs"
    assert root.findtext(".//d:vatPercentage", namespaces=NS) == "0.27"
    assert root.findtext(".//d:invoiceAppearance", namespaces=NS) == "ELECTRONIC"
    assert root.findtext(".//d:paymentMethod", namespaces=NS) == "CASH"


@pytest.mark.parametrize(
    ("tax_number", "business", "country", "override", "expected"),
    [
        ("12345678-2-41", True, "HU", None, "DOMESTIC"),
        ("12345678241", True, "", None, "DOMESTIC"),
        ("", False, "HU", None, "PRIVATE_PERSON"),
        ("ATU12345678", True, "AT", None, "OTHER"),
        ("", True, "HU", None, "OTHER"),  # a company without a tax number is no natural person
        ("12345678-2-41", True, "HU", "PRIVATE_PERSON", "PRIVATE_PERSON"),
    ],
)
def test_customer_vat_status(
    tax_number: str, business: bool, country: str, override: str | None, expected: str
) -> None:
    assert customer_vat_status(tax_number, business, country, override) == expected


@pytest.mark.parametrize(
    ("name", "code", "overrides", "expected"),
    [
        ("Banki átutalás", "", {}, "TRANSFER"),
        ("Cash on delivery", "", {}, "CASH"),
        ("Utánvét", "COD", {}, "CASH"),
        ("Online fizetés", "BARION", {}, "CARD"),
        ("Bankkártyás fizetés", "", {}, "CARD"),
        ("Személyes átvétel", "", {}, "OTHER"),
        ("Személyes átvétel", "", {"személyes átvétel": "CASH"}, "CASH"),
    ],
)
def test_payment_method_mapping(
    name: str, code: str, overrides: dict[str, str], expected: str
) -> None:
    assert payment_method_for(name, code, overrides) == expected


def test_a_zero_rate_line_without_a_configured_case_is_refused_with_the_fix() -> None:
    item = OrderItem("Könyv", "K-1", Decimal("3000"), Decimal(0), Decimal(1))
    buyer = Buyer("Kis Anna", "", "", "", "", "HU", "1011", "Budapest", "Fő u. 1.")
    invoice = nav_invoice(order_of([item], "HUF", Decimal(0), Decimal(0), buyer))
    with pytest.raises(NavDataError, match="nav_zero_vat_case"):
        invoice_data_xml(NavInvoice(**{**invoice.__dict__, "zero_vat_case": None}))
    exempt = ET.fromstring(invoice_data_xml(invoice))
    assert exempt.findtext(".//d:lineVatRate/d:vatExemption/d:case", namespaces=NS) == "TAM"


def test_a_stornos_lines_are_new_lines_of_its_invoice_numbered_after_the_invoices() -> None:
    items = [
        OrderItem("Tulipán", "T1", Decimal(1000), Decimal(27), Decimal(2)),
        OrderItem("Könyv", "K1", Decimal(3000), Decimal(5), Decimal(1)),
    ]
    invoice = nav_invoice(make_order(items, shipping=Decimal(990)), DocumentKind.STORNO)
    root = ET.fromstring(invoice_data_xml(invoice))
    references = [
        (
            r.findtext("d:lineNumberReference", namespaces=NS),
            r.findtext("d:lineOperation", namespaces=NS),
        )
        for r in root.iter(f"{{{DATA_NS}}}lineModificationReference")
    ]
    assert references == [("4", "CREATE"), ("5", "CREATE"), ("6", "CREATE")]


def test_an_invoices_lines_carry_no_modification_reference() -> None:
    items = [OrderItem("Tulipán", "T1", Decimal(1000), Decimal(27), Decimal(2))]
    root = ET.fromstring(invoice_data_xml(nav_invoice(make_order(items))))
    assert list(root.iter(f"{{{DATA_NS}}}lineModificationReference")) == []
