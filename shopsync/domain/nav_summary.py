"""A NAV invoice's summary: the totals by VAT rate (or case) and for the whole invoice."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shopsync.domain.nav_amounts import Amounts, summary
from shopsync.domain.nav_document import NavInvoice
from shopsync.domain.nav_vat_cases import RateKey, add_vat_rate
from shopsync.domain.nav_xml import add_money, add_money_group, data_tag


def add_summary(body: ET.Element, invoice: NavInvoice) -> None:
    totals = summary(invoice)
    element = ET.SubElement(body, data_tag("invoiceSummary"))
    normal = ET.SubElement(element, data_tag("summaryNormal"))
    for key, amounts in totals.by_rate.items():
        _add_rate(ET.SubElement(normal, data_tag("summaryByVatRate")), key, amounts)
    total = totals.total
    add_money(normal, "invoiceNetAmount", total.net, total.net_huf)
    add_money(normal, "invoiceVatAmount", total.vat, total.vat_huf)
    add_money_group(element, "summaryGrossData", "invoiceGrossAmount", total.gross, total.gross_huf)


def _add_rate(by_rate: ET.Element, key: RateKey, amounts: Amounts) -> None:
    add_vat_rate(ET.SubElement(by_rate, data_tag("vatRate")), key)
    add_money_group(by_rate, "vatRateNetData", "vatRateNetAmount", amounts.net, amounts.net_huf)
    add_money_group(by_rate, "vatRateVatData", "vatRateVatAmount", amounts.vat, amounts.vat_huf)
    add_money_group(
        by_rate, "vatRateGrossData", "vatRateGrossAmount", amounts.gross, amounts.gross_huf
    )
