"""The lines of a NAV invoice: what each one is, how much of it, and its amounts and rate."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shopsync.domain.documents import Line, LineKind
from shopsync.domain.nav_amounts import line_amounts
from shopsync.domain.nav_document import NavInvoice
from shopsync.domain.nav_vat_cases import add_vat_rate, rate_key
from shopsync.domain.nav_xml import (
    add_money_group,
    add_text,
    data_tag,
    decimal_text,
    money_text,
    required,
)


def add_lines(body: ET.Element, invoice: NavInvoice) -> None:
    lines = ET.SubElement(body, data_tag("invoiceLines"))
    add_text(lines, "mergedItemIndicator", "false")
    for number, line in enumerate(invoice.lines, 1):
        _add_line(ET.SubElement(lines, data_tag("line")), number, line, invoice)


def _add_line(element: ET.Element, number: int, line: Line, invoice: NavInvoice) -> None:
    # A rounding line is not "expressed": it has no quantity or unit price of its own.
    expressed = not line.kind.is_adjustment
    add_text(element, "lineNumber", str(number))
    if invoice.reference is not None:
        _add_modification(element, number, invoice)
    add_text(element, "lineExpressionIndicator", "true" if expressed else "false")
    add_text(element, "lineNatureIndicator", _nature(line.kind))
    add_text(element, "lineDescription", required(line.name, f"line {number} name")[:512])
    if expressed:
        _add_quantity(element, line, invoice)
    _add_amounts(ET.SubElement(element, data_tag("lineAmountsNormal")), line, invoice)


def _add_modification(element: ET.Element, number: int, invoice: NavInvoice) -> None:
    """A storno's line is a new line of the invoice it modifies, numbered after the invoice's.

    A storno copies every line of its invoice, negated: the invoice has as many lines.
    """
    reference = ET.SubElement(element, data_tag("lineModificationReference"))
    add_text(reference, "lineNumberReference", str(len(invoice.lines) + number))
    add_text(reference, "lineOperation", "CREATE")


def _add_quantity(element: ET.Element, line: Line, invoice: NavInvoice) -> None:
    add_text(element, "quantity", decimal_text(line.quantity))
    add_text(element, "unitOfMeasure", "PIECE")
    add_text(element, "unitPrice", decimal_text(line.unit_net_price))
    if invoice.currency != "HUF":
        add_text(element, "unitPriceHUF", money_text(line.unit_net_price * invoice.exchange_rate))


def _add_amounts(normal: ET.Element, line: Line, invoice: NavInvoice) -> None:
    amounts = line_amounts(line, invoice)
    add_money_group(normal, "lineNetAmountData", "lineNetAmount", amounts.net, amounts.net_huf)
    key = rate_key(line, invoice.zero_vat_case)
    add_vat_rate(ET.SubElement(normal, data_tag("lineVatRate")), key)
    if key[0] == "vatPercentage":
        add_money_group(normal, "lineVatData", "lineVatAmount", amounts.vat, amounts.vat_huf)
    add_money_group(
        normal, "lineGrossAmountData", "lineGrossAmountNormal", amounts.gross, amounts.gross_huf
    )


def _nature(kind: LineKind) -> str:
    if kind == LineKind.PRODUCT:
        return "PRODUCT"
    if kind in (LineKind.SHIPPING, LineKind.PAYMENT_FEE):
        return "SERVICE"
    return "OTHER"
