"""An issued invoice or storno as NAV Online Számla v3.0 `InvoiceData` XML (pure, no I/O).

What the reported document holds is decided in the modules this one puts together: the
parties and the customer's VAT status (nav_parties), the payment method (nav_payment), the
lines (nav_lines) with their VAT rates or exemption / out-of-scope cases (nav_vat_cases), HUF
values of a foreign-currency invoice (nav_amounts), the summary by VAT rate (nav_summary); here
the head and a storno's reference to its invoice. Validation against the schema is the
adapter's (shopsync.adapters.nav.schema); this package only builds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from shopsync.domain.nav_amounts import Amounts, Summary, summary
from shopsync.domain.nav_document import InvoiceReference, NavInvoice
from shopsync.domain.nav_lines import add_lines
from shopsync.domain.nav_parties import (
    CUSTOMER_VAT_STATUSES,
    Address,
    Customer,
    CustomerVatStatus,
    Supplier,
    add_customer,
    add_supplier,
    customer_vat_status,
)
from shopsync.domain.nav_payment import PAYMENT_METHODS, PaymentMethod, payment_method_for
from shopsync.domain.nav_summary import add_summary
from shopsync.domain.nav_vat_cases import (
    EXEMPTION_CASES,
    OUT_OF_SCOPE_CASES,
    ZERO_VAT_CASES,
    ZeroVatCase,
)
from shopsync.domain.nav_xml import (
    BASE_NS,
    COMMON_NS,
    DATA_NS,
    NavDataError,
    add_text,
    data_tag,
    decimal_text,
)

__all__ = [
    "BASE_NS",
    "COMMON_NS",
    "CUSTOMER_VAT_STATUSES",
    "DATA_NS",
    "EXEMPTION_CASES",
    "OUT_OF_SCOPE_CASES",
    "PAYMENT_METHODS",
    "ZERO_VAT_CASES",
    "Address",
    "Amounts",
    "Customer",
    "CustomerVatStatus",
    "InvoiceReference",
    "NavDataError",
    "NavInvoice",
    "PaymentMethod",
    "Summary",
    "Supplier",
    "ZeroVatCase",
    "customer_vat_status",
    "invoice_data_xml",
    "payment_method_for",
    "summary",
]


def invoice_data_xml(invoice: NavInvoice) -> bytes:
    """The InvoiceData document, UTF-8, with an XML declaration."""
    _check_reportable(invoice)
    root = ET.Element(data_tag("InvoiceData"))
    add_text(root, "invoiceNumber", invoice.number)
    add_text(root, "invoiceIssueDate", invoice.issue_date.isoformat())
    add_text(root, "completenessIndicator", "false")
    main = ET.SubElement(root, data_tag("invoiceMain"))
    _add_invoice(ET.SubElement(main, data_tag("invoice")), invoice)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return xml


def _check_reportable(invoice: NavInvoice) -> None:
    if not invoice.lines:
        raise NavDataError("a document without lines cannot be reported")
    if invoice.currency != "HUF" and invoice.exchange_rate <= 0:
        raise NavDataError(f"no exchange rate for {invoice.currency}")


def _add_invoice(body: ET.Element, invoice: NavInvoice) -> None:
    if invoice.reference is not None:
        _add_reference(ET.SubElement(body, data_tag("invoiceReference")), invoice.reference)
    head = ET.SubElement(body, data_tag("invoiceHead"))
    add_supplier(head, invoice.supplier)
    add_customer(head, invoice.customer)
    _add_detail(ET.SubElement(head, data_tag("invoiceDetail")), invoice)
    add_lines(body, invoice)
    add_summary(body, invoice)


def _add_reference(element: ET.Element, reference: InvoiceReference) -> None:
    """A storno modifies its invoice, which NAV already has (so never without master)."""
    add_text(element, "originalInvoiceNumber", reference.original_number)
    add_text(element, "modifyWithoutMaster", "false")
    add_text(element, "modificationIndex", str(reference.modification_index))


def _add_detail(detail: ET.Element, invoice: NavInvoice) -> None:
    add_text(detail, "invoiceCategory", "NORMAL")
    add_text(detail, "invoiceDeliveryDate", invoice.delivery_date.isoformat())
    add_text(detail, "currencyCode", invoice.currency)
    rate = invoice.huf_rate.quantize(Decimal("0.000001"))
    add_text(detail, "exchangeRate", decimal_text(rate))
    add_text(detail, "paymentMethod", invoice.payment_method)
    add_text(detail, "invoiceAppearance", "ELECTRONIC")
