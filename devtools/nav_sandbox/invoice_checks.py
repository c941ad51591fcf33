"""NAV's main checks of one submitted invoice, as blocking errors or warnings.

Codes: SCHEMA_VIOLATION, SUPPLIER_TAX_NUMBER_MISMATCH, INVOICE_NUMBER_NOT_UNIQUE,
INVALID_INVOICE_REFERENCE, MODIFICATION_INDEX_NOT_UNIQUE, CUSTOMER_DATA_NOT_EXPECTED,
CUSTOMER_DATA_EXPECTED and INVALID_VAT_DATA as api-notes §6.2 names them. The amount checks
(summary = sum of the lines, line VAT = net × rate, within 1 % but at least one unit) use
names of NAV's INCORRECT_SUMMARY_DATA_* / INCORRECT_LINE_CALCULATION_* families (domain
notes §3.5–3.6); NAV grades some of them WARN, so their level is a sandbox setting.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from devtools.nav_sandbox.world import Reported
from shopsync.adapters.nav.schema import NavSchemaError, validate_invoice_data
from shopsync.domain.nav_reporting import Operation, ValidationMessage
from shopsync.domain.nav_xml import BASE_NS, DATA_NS

NS = {"d": DATA_NS, "b": BASE_NS}
ALLOWED_VAT_RATES = frozenset(Decimal(rate) for rate in ("0.05", "0.07", "0.12", "0.18", "0.27"))


@dataclass(frozen=True)
class Holdings:
    """What the taxpayer has at NAV: invoices by number, modification indexes taken."""

    invoice: Callable[[str], Reported | None]
    modification_taken: Callable[[str, str], bool]


@dataclass(frozen=True)
class Submitted:
    """One invoice as the checks see it: the operation, the parsed XML and who sent it."""

    operation: Operation
    root: ET.Element
    tax_number: str
    amount_level: str = "ERROR"


def schema_problem(xml: bytes) -> ValidationMessage | None:
    """SCHEMA_VIOLATION (technical) unless the invoice is valid against invoiceData.xsd."""
    try:
        validate_invoice_data(xml)
    except (NavSchemaError, UnicodeDecodeError) as exc:
        return ValidationMessage("technical", "ERROR", "SCHEMA_VIOLATION", str(exc)[:512])
    return None


def business_messages(invoice: Submitted, held: Holdings) -> tuple[ValidationMessage, ...]:
    """Every business message for a schema-valid invoice, given the invoices NAV holds."""
    return (
        *_identity(invoice, held),
        *_reference(invoice, held),
        *_customer(invoice),
        *_vat_rates(invoice),
        *_amounts(invoice),
    )


def error(code: str, message: str) -> ValidationMessage:
    return ValidationMessage("business", "ERROR", code, message)


def text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def number_of(root: ET.Element) -> str:
    return text(root, "d:invoiceNumber")


def _identity(invoice: Submitted, held: Holdings) -> Iterator[ValidationMessage]:
    supplier = text(invoice.root, ".//d:supplierInfo/d:supplierTaxNumber/b:taxpayerId")
    if supplier != invoice.tax_number:
        yield error("SUPPLIER_TAX_NUMBER_MISMATCH", f"supplier {supplier} is not the sender")
    if held.invoice(number_of(invoice.root)) is not None:
        yield error("INVOICE_NUMBER_NOT_UNIQUE", f"{number_of(invoice.root)} is already reported")


def _reference(invoice: Submitted, held: Holdings) -> Iterator[ValidationMessage]:
    """A modification or storno names an invoice NAV holds, with a fresh modification index."""
    reference = invoice.root.find("d:invoiceMain/d:invoice/d:invoiceReference", NS)
    if invoice.operation == "CREATE" or reference is None:
        if invoice.operation != "CREATE":
            yield error("INVALID_INVOICE_REFERENCE", f"a {invoice.operation} names no invoice")
        return
    original = text(reference, "d:originalInvoiceNumber")
    without_master = text(reference, "d:modifyWithoutMaster") == "true"
    if held.invoice(original) is None and not without_master:
        yield error("INVALID_INVOICE_REFERENCE", f"no invoice {original} to modify")
    index = text(reference, "d:modificationIndex")
    if held.modification_taken(original, index):
        yield error("MODIFICATION_INDEX_NOT_UNIQUE", f"{original} has modification {index}")


def _customer(invoice: Submitted) -> Iterator[ValidationMessage]:
    """A private person's data is left out; anyone else's name and address are given."""
    customer = invoice.root.find(".//d:invoiceHead/d:customerInfo", NS)
    if customer is None:
        return
    given = [
        tag
        for tag in ("customerVatData", "customerName", "customerAddress")
        if customer.find(f"d:{tag}", NS) is not None
    ]
    if text(customer, "d:customerVatStatus") == "PRIVATE_PERSON":
        if given:
            yield error("CUSTOMER_DATA_NOT_EXPECTED", f"a private person's {', '.join(given)}")
    elif "customerName" not in given or "customerAddress" not in given:
        yield error("CUSTOMER_DATA_EXPECTED", "the customer's name and address are required")


def _vat_rates(invoice: Submitted) -> Iterator[ValidationMessage]:
    for rate in invoice.root.iterfind(".//d:vatPercentage", NS):
        if _decimal(rate.text) not in ALLOWED_VAT_RATES:
            yield error("INVALID_VAT_DATA", f"VAT rate {rate.text} is not one of Hungary's")


def _amounts(invoice: Submitted) -> Iterator[ValidationMessage]:
    """Line VAT against net × rate, and the summary against the sum of the lines."""
    summary = invoice.root.find(".//d:invoiceSummary/d:summaryNormal", NS)
    lines = invoice.root.findall(".//d:invoiceLines/d:line/d:lineAmountsNormal", NS)
    if summary is None:
        return
    found = [*_line_vat(lines), *_summary(summary, lines)]
    for code, message in found:
        yield ValidationMessage("business", invoice.amount_level, code, message)


def _line_vat(lines: list[ET.Element]) -> Iterator[tuple[str, str]]:
    for number, amounts in enumerate(lines, start=1):
        rate = amounts.find("d:lineVatRate/d:vatPercentage", NS)
        if rate is None:
            continue
        net = _decimal(text(amounts, "d:lineNetAmountData/d:lineNetAmount"))
        vat = _decimal(text(amounts, "d:lineVatData/d:lineVatAmount"))
        expected = net * _decimal(rate.text)
        if abs(vat - expected) > _tolerance(expected):
            yield "INCORRECT_LINE_CALCULATION_VAT_AMOUNT", f"line {number}: {vat} ≠ {expected}"


def _summary(summary: ET.Element, lines: list[ET.Element]) -> Iterator[tuple[str, str]]:
    pairs = (
        ("invoiceNetAmount", "d:lineNetAmountData/d:lineNetAmount", "NET_AMOUNT"),
        ("invoiceNetAmountHUF", "d:lineNetAmountData/d:lineNetAmountHUF", "NET_AMOUNT_HUF"),
        ("invoiceVatAmount", "d:lineVatData/d:lineVatAmount", "VAT_AMOUNT"),
        ("invoiceVatAmountHUF", "d:lineVatData/d:lineVatAmountHUF", "VAT_AMOUNT_HUF"),
    )
    for total_tag, line_path, suffix in pairs:
        total = _decimal(text(summary, f"d:{total_tag}"))
        lines_sum = sum((_decimal(text(line, line_path)) for line in lines), Decimal(0))
        if abs(total - lines_sum) > _tolerance(lines_sum):
            yield f"INCORRECT_SUMMARY_DATA_{suffix}", f"{total_tag} {total} ≠ lines {lines_sum}"


def _tolerance(computed: Decimal) -> Decimal:
    """1 % of the computed value, but at least one unit (NAV's rounding tolerance)."""
    return max(abs(computed) / 100, Decimal(1))


def _decimal(value: str | None) -> Decimal:
    try:
        return Decimal(value or "0")
    except InvalidOperation:
        return Decimal(0)
