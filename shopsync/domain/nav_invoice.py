"""An issued invoice or storno as NAV Online Számla v3.0 `InvoiceData` XML (pure, no I/O).

What the reported document holds is decided here: the customer's VAT status and what a private
person's record leaves out, the payment method, line natures, VAT rates as fractions or as
exemption / out-of-scope cases, HUF values of a foreign-currency invoice, the summary by VAT
rate, and the reference of a storno to its invoice. Validation against the schema is the
adapter's (shopsync.adapters.nav.schema); this module only builds.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, get_args

from shopsync.domain.documents import Line, LineKind

DATA_NS = "http://schemas.nav.gov.hu/OSA/3.0/data"
BASE_NS = "http://schemas.nav.gov.hu/OSA/3.0/base"
COMMON_NS = "http://schemas.nav.gov.hu/NTCA/1.0/common"

CustomerVatStatus = Literal["DOMESTIC", "PRIVATE_PERSON", "OTHER"]
PaymentMethod = Literal["TRANSFER", "CASH", "CARD", "VOUCHER", "OTHER"]
CUSTOMER_VAT_STATUSES: tuple[CustomerVatStatus, ...] = ("DOMESTIC", "PRIVATE_PERSON", "OTHER")
PAYMENT_METHODS: tuple[PaymentMethod, ...] = ("TRANSFER", "CASH", "CARD", "VOUCHER", "OTHER")

# vatExemption cases (ÁFA tv.) and vatOutOfScope cases, with the reason text reported.
EXEMPTION_CASES = {
    "AAM": "Alanyi adómentes",
    "TAM": "Tárgyi adómentes, ÁFA tv. 85-86. §",
    "KBAET": "Adómentes Közösségen belüli termékértékesítés, ÁFA tv. 89. §",
    "KBAUK": "Adómentes új közlekedési eszköz Közösségen belül, ÁFA tv. 89. § (2)",
    "EAM": "Adómentes termékexport, ÁFA tv. 98-109. §",
    "NAM": "Adómentes egyéb nemzetközi ügylet, ÁFA tv. 110-118. §",
}
OUT_OF_SCOPE_CASES = {
    "ATK": "ÁFA hatályán kívül",
    "EUFAD37": "ÁFA tv. 37. § alapján másik tagállamban teljesített, fordítottan adózó ügylet",
    "EUFADE": "Másik tagállamban teljesített, fordítottan adózó egyéb ügylet",
    "EUE": "Másik tagállamban teljesített, nem fordítottan adózó ügylet",
    "HO": "Harmadik országban teljesített ügylet",
}
ZeroVatCase = Literal[
    "AAM", "TAM", "KBAET", "KBAUK", "EAM", "NAM", "ATK", "EUFAD37", "EUFADE", "EUE", "HO"
]
ZERO_VAT_CASES: tuple[str, ...] = get_args(ZeroVatCase)
assert set(ZERO_VAT_CASES) == {*EXEMPTION_CASES, *OUT_OF_SCOPE_CASES}
# A rounding line reconciles the shop's gross total: no supply of its own, so out of scope.
ROUNDING_CASE = ("vatOutOfScope", "ATK", "Kerekítési különbözet, ÁFA hatályán kívül")

HUNGARIAN_TAX_NUMBER = re.compile(r"^(\d{8})-?([1-5])-?(\d{2})$")
COMMUNITY_VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
CENT = Decimal("0.01")

# Shoprenter payment method codes and words in their names → NAV's payment method.
_CODE_METHODS: dict[str, PaymentMethod] = {
    "BANK_TRANSFER": "TRANSFER",
    "SIMPLEWIRE": "TRANSFER",
    "COD": "CASH",
    "COD2": "CASH",
    "COD3": "CASH",
    "COD4": "CASH",
    "CASH": "CASH",
    "PAYPAL": "CARD",
    "BARION": "CARD",
    "SIMPLE": "CARD",
    "CIB": "CARD",
    "KHB": "CARD",
    "OTP": "CARD",
    "PAYU": "CARD",
    "PAY": "CARD",
    "STRIPE": "CARD",
    "GP": "CARD",
    "LOYALTYPOINT": "VOUCHER",
}
_NAME_WORDS: tuple[tuple[str, PaymentMethod], ...] = (
    ("átutalás", "TRANSFER"),
    ("utalás", "TRANSFER"),
    ("transfer", "TRANSFER"),
    ("utánvét", "CASH"),
    ("készpénz", "CASH"),
    ("cash", "CASH"),
    ("kártya", "CARD"),
    ("kártyá", "CARD"),
    ("card", "CARD"),
    ("barion", "CARD"),
    ("simplepay", "CARD"),
    ("paypal", "CARD"),
    ("utalvány", "VOUCHER"),
    ("voucher", "VOUCHER"),
)


class NavDataError(ValueError):
    """The document lacks what NAV requires; the message says what and how to give it."""


@dataclass(frozen=True)
class Address:
    country_code: str
    postcode: str
    city: str
    street: str  # the rest of the address, as one line

    def missing(self) -> list[str]:
        return [
            name
            for name, value in (
                ("country code", self.country_code),
                ("postcode", self.postcode),
                ("city", self.city),
                ("street address", self.street),
            )
            if not value.strip()
        ]


@dataclass(frozen=True)
class Supplier:
    name: str
    tax_number: str  # 12345678-2-41
    address: Address
    bank_account: str = ""


@dataclass(frozen=True)
class Customer:
    status: CustomerVatStatus
    name: str
    tax_number: str
    address: Address


@dataclass(frozen=True)
class InvoiceReference:
    original_number: str
    modification_index: int


@dataclass(frozen=True)
class NavInvoice:
    number: str
    issue_date: date
    delivery_date: date
    currency: str
    exchange_rate: Decimal  # HUF per unit; 1 for HUF
    payment_method: PaymentMethod
    supplier: Supplier
    customer: Customer
    lines: tuple[Line, ...]
    zero_vat_case: str | None = None  # for 0% lines that are not rounding
    reference: InvoiceReference | None = None


@dataclass(frozen=True)
class RateSummary:
    net: Decimal
    vat: Decimal
    gross: Decimal
    net_huf: Decimal
    vat_huf: Decimal
    gross_huf: Decimal


@dataclass(frozen=True)
class Summary:
    by_rate: dict[tuple[str, str], RateSummary]  # (kind, value): ("percentage", "0.27"), ...
    net: Decimal
    vat: Decimal
    gross: Decimal
    net_huf: Decimal
    vat_huf: Decimal
    gross_huf: Decimal


def customer_vat_status(
    tax_number: str, business: bool, country_code: str, override: str | None = None
) -> CustomerVatStatus:
    """DOMESTIC with a Hungarian tax number, PRIVATE_PERSON for a private buyer, else OTHER."""
    if override:
        if override not in CUSTOMER_VAT_STATUSES:
            raise NavDataError(f"unknown customerVatStatus {override!r}")
        return override
    if not business:
        return "PRIVATE_PERSON"
    if HUNGARIAN_TAX_NUMBER.match(tax_number.strip()) and country_code in ("", "HU"):
        return "DOMESTIC"
    return "OTHER"


def payment_method_for(
    name: str, code: str = "", overrides: Mapping[str, str] | None = None
) -> PaymentMethod:
    """The connection's mapping first (by name or code), then Shoprenter's codes, then words."""
    for key, method in (overrides or {}).items():
        if key.strip().lower() in (name.strip().lower(), code.strip().lower()):
            if method not in PAYMENT_METHODS:
                raise NavDataError(f"payment method mapping {key!r} → {method!r} is not a NAV one")
            return method
    if code.upper() in _CODE_METHODS:
        return _CODE_METHODS[code.upper()]
    lowered = name.lower()
    for word, method in _NAME_WORDS:
        if word in lowered:
            return method
    return "OTHER"


def summary(invoice: NavInvoice) -> Summary:
    """Totals by VAT rate (or case) and for the invoice, in its currency and in HUF."""
    columns: dict[tuple[str, str], list[Decimal]] = {}
    for line in invoice.lines:
        key = _rate_key(line, invoice.zero_vat_case)
        amounts = _fields(_line_amounts(line, invoice))
        previous = columns.setdefault(key, [Decimal(0)] * len(amounts))
        columns[key] = [a + b for a, b in zip(previous, amounts, strict=True)]
    totals = [Decimal(0)] * 6
    for values in columns.values():
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    return Summary({k: RateSummary(*v) for k, v in columns.items()}, *totals)


def invoice_data_xml(invoice: NavInvoice) -> bytes:
    """The InvoiceData document, UTF-8, with an XML declaration."""
    if not invoice.lines:
        raise NavDataError("a document without lines cannot be reported")
    if invoice.currency != "HUF" and invoice.exchange_rate <= 0:
        raise NavDataError(f"no exchange rate for {invoice.currency}")
    root = ET.Element(_d("InvoiceData"))
    _text(root, "invoiceNumber", invoice.number)
    _text(root, "invoiceIssueDate", invoice.issue_date.isoformat())
    _text(root, "completenessIndicator", "false")
    body = ET.SubElement(ET.SubElement(root, _d("invoiceMain")), _d("invoice"))
    if invoice.reference is not None:
        reference = ET.SubElement(body, _d("invoiceReference"))
        _text(reference, "originalInvoiceNumber", invoice.reference.original_number)
        _text(reference, "modifyWithoutMaster", "false")
        _text(reference, "modificationIndex", str(invoice.reference.modification_index))
    head = ET.SubElement(body, _d("invoiceHead"))
    _supplier(head, invoice.supplier)
    _customer(head, invoice.customer)
    _detail(head, invoice)
    lines = ET.SubElement(body, _d("invoiceLines"))
    _text(lines, "mergedItemIndicator", "false")
    for number, line in enumerate(invoice.lines, 1):
        _line(lines, number, line, invoice)
    _summary(body, invoice)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return xml


# -- parts -------------------------------------------------------------------------------------


def _supplier(head: ET.Element, supplier: Supplier) -> None:
    info = ET.SubElement(head, _d("supplierInfo"))
    _tax_number(info, "supplierTaxNumber", supplier.tax_number, "supplier")
    _text(info, "supplierName", _required(supplier.name, "supplier name"))
    missing = supplier.address.missing()
    if missing:
        raise NavDataError(f"supplier address incomplete: {', '.join(missing)} missing")
    _address(info, "supplierAddress", supplier.address)
    if supplier.bank_account:
        _text(info, "supplierBankAccountNumber", supplier.bank_account)


def _customer(head: ET.Element, customer: Customer) -> None:
    info = ET.SubElement(head, _d("customerInfo"))
    _text(info, "customerVatStatus", customer.status)
    if customer.status == "PRIVATE_PERSON":
        return  # name, address and tax data are forbidden here; they stay on the document
    if customer.status == "DOMESTIC":
        vat_data = ET.SubElement(info, _d("customerVatData"))
        _tax_number(vat_data, "customerTaxNumber", customer.tax_number, "customer")
    elif COMMUNITY_VAT_NUMBER.match(customer.tax_number.replace(" ", "").upper()):
        vat_data = ET.SubElement(info, _d("customerVatData"))
        _text(vat_data, "communityVatNumber", customer.tax_number.replace(" ", "").upper())
    _text(info, "customerName", _required(customer.name, "customer name")[:512])
    missing = customer.address.missing()
    if missing:
        raise NavDataError(
            f"a {customer.status} customer needs a full address: {', '.join(missing)} missing"
        )
    _address(info, "customerAddress", customer.address)


def _detail(head: ET.Element, invoice: NavInvoice) -> None:
    detail = ET.SubElement(head, _d("invoiceDetail"))
    _text(detail, "invoiceCategory", "NORMAL")
    _text(detail, "invoiceDeliveryDate", invoice.delivery_date.isoformat())
    _text(detail, "currencyCode", invoice.currency)
    rate = Decimal(1) if invoice.currency == "HUF" else invoice.exchange_rate
    _text(detail, "exchangeRate", _decimal(rate.quantize(Decimal("0.000001"))))
    _text(detail, "paymentMethod", invoice.payment_method)
    _text(detail, "invoiceAppearance", "ELECTRONIC")


def _line(parent: ET.Element, number: int, line: Line, invoice: NavInvoice) -> None:
    element = ET.SubElement(parent, _d("line"))
    _text(element, "lineNumber", str(number))
    expressed = line.kind != LineKind.ROUNDING
    _text(element, "lineExpressionIndicator", "true" if expressed else "false")
    _text(element, "lineNatureIndicator", _nature(line.kind))
    _text(element, "lineDescription", _required(line.name, f"line {number} name")[:512])
    if expressed:
        _text(element, "quantity", _decimal(line.quantity))
        _text(element, "unitOfMeasure", "PIECE")
        _text(element, "unitPrice", _decimal(line.unit_net_price))
        if invoice.currency != "HUF":
            _text(element, "unitPriceHUF", _money(line.unit_net_price * invoice.exchange_rate))
    amounts = _line_amounts(line, invoice)
    normal = ET.SubElement(element, _d("lineAmountsNormal"))
    net = ET.SubElement(normal, _d("lineNetAmountData"))
    _text(net, "lineNetAmount", _money(amounts.net))
    _text(net, "lineNetAmountHUF", _money(amounts.net_huf))
    kind, value = _rate_key(line, invoice.zero_vat_case)
    _vat_rate(ET.SubElement(normal, _d("lineVatRate")), kind, value)
    if kind == "vatPercentage":
        vat = ET.SubElement(normal, _d("lineVatData"))
        _text(vat, "lineVatAmount", _money(amounts.vat))
        _text(vat, "lineVatAmountHUF", _money(amounts.vat_huf))
    gross = ET.SubElement(normal, _d("lineGrossAmountData"))
    _text(gross, "lineGrossAmountNormal", _money(amounts.gross))
    _text(gross, "lineGrossAmountNormalHUF", _money(amounts.gross_huf))


def _summary(body: ET.Element, invoice: NavInvoice) -> None:
    totals = summary(invoice)
    element = ET.SubElement(body, _d("invoiceSummary"))
    normal = ET.SubElement(element, _d("summaryNormal"))
    for (kind, value), amounts in totals.by_rate.items():
        by_rate = ET.SubElement(normal, _d("summaryByVatRate"))
        _vat_rate(ET.SubElement(by_rate, _d("vatRate")), kind, value)
        net = ET.SubElement(by_rate, _d("vatRateNetData"))
        _text(net, "vatRateNetAmount", _money(amounts.net))
        _text(net, "vatRateNetAmountHUF", _money(amounts.net_huf))
        vat = ET.SubElement(by_rate, _d("vatRateVatData"))
        _text(vat, "vatRateVatAmount", _money(amounts.vat))
        _text(vat, "vatRateVatAmountHUF", _money(amounts.vat_huf))
        gross = ET.SubElement(by_rate, _d("vatRateGrossData"))
        _text(gross, "vatRateGrossAmount", _money(amounts.gross))
        _text(gross, "vatRateGrossAmountHUF", _money(amounts.gross_huf))
    _text(normal, "invoiceNetAmount", _money(totals.net))
    _text(normal, "invoiceNetAmountHUF", _money(totals.net_huf))
    _text(normal, "invoiceVatAmount", _money(totals.vat))
    _text(normal, "invoiceVatAmountHUF", _money(totals.vat_huf))
    gross = ET.SubElement(element, _d("summaryGrossData"))
    _text(gross, "invoiceGrossAmount", _money(totals.gross))
    _text(gross, "invoiceGrossAmountHUF", _money(totals.gross_huf))


# -- values ------------------------------------------------------------------------------------


def _rate_key(line: Line, zero_vat_case: str | None) -> tuple[str, str]:
    if line.vat_rate:
        return "vatPercentage", _decimal((line.vat_rate / 100).quantize(Decimal("0.0001")))
    if line.kind == LineKind.ROUNDING:
        return ROUNDING_CASE[0], ROUNDING_CASE[1]
    if not zero_vat_case:
        raise NavDataError(
            f"the 0% line {line.name!r} needs its VAT exemption or out-of-scope case "
            f"(one of {', '.join(ZERO_VAT_CASES)}): shopsync shops set NAME nav_zero_vat_case=TAM"
        )
    if zero_vat_case in EXEMPTION_CASES:
        return "vatExemption", zero_vat_case
    if zero_vat_case in OUT_OF_SCOPE_CASES:
        return "vatOutOfScope", zero_vat_case
    raise NavDataError(f"unknown 0% VAT case {zero_vat_case!r}")


def _vat_rate(parent: ET.Element, kind: str, value: str) -> None:
    if kind == "vatPercentage":
        _text(parent, "vatPercentage", value)
        return
    reasons = EXEMPTION_CASES if kind == "vatExemption" else OUT_OF_SCOPE_CASES
    reason = ROUNDING_CASE[2] if (kind, value) == ROUNDING_CASE[:2] else reasons[value]
    case = ET.SubElement(parent, _d(kind))
    _text(case, "case", value)
    _text(case, "reason", reason)


def _line_amounts(line: Line, invoice: NavInvoice) -> RateSummary:
    rate = Decimal(1) if invoice.currency == "HUF" else invoice.exchange_rate
    net, vat, gross = (_round(v) for v in (line.net, line.vat, line.gross))
    return RateSummary(
        net, vat, gross, _round(net * rate), _round(vat * rate), _round(gross * rate)
    )


def _fields(r: RateSummary) -> tuple[Decimal, ...]:
    return (r.net, r.vat, r.gross, r.net_huf, r.vat_huf, r.gross_huf)


def _nature(kind: LineKind) -> str:
    if kind == LineKind.PRODUCT:
        return "PRODUCT"
    if kind in (LineKind.SHIPPING, LineKind.PAYMENT_FEE):
        return "SERVICE"
    return "OTHER"


def _tax_number(parent: ET.Element, tag: str, value: str, whose: str) -> None:
    match = HUNGARIAN_TAX_NUMBER.match(value.strip())
    if match is None:
        raise NavDataError(
            f"{whose} tax number {value!r} is not a Hungarian one (12345678-2-41)"
            if value.strip()
            else f"{whose} tax number missing"
        )
    element = ET.SubElement(parent, _d(tag))
    for name, part in zip(("taxpayerId", "vatCode", "countyCode"), match.groups(), strict=True):
        ET.SubElement(element, _b(name)).text = part


def _address(parent: ET.Element, tag: str, address: Address) -> None:
    simple = ET.SubElement(ET.SubElement(parent, _d(tag)), _b("simpleAddress"))
    ET.SubElement(simple, _b("countryCode")).text = address.country_code.upper()
    ET.SubElement(simple, _b("postalCode")).text = address.postcode.strip().upper()
    ET.SubElement(simple, _b("city")).text = address.city.strip()[:255]
    ET.SubElement(simple, _b("additionalAddressDetail")).text = address.street.strip()[:255]


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise NavDataError(f"{what} missing")
    return value.strip()


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    return _decimal(_round(value))


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        text = f"{whole}.{fraction}" if fraction else whole
    return "0" if text in ("-0", "") else text


def _d(tag: str) -> str:
    return f"{{{DATA_NS}}}{tag}"


def _b(tag: str) -> str:
    return f"{{{BASE_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, _d(tag))
    element.text = value
    return element


ET.register_namespace("", DATA_NS)
ET.register_namespace("base", BASE_NS)
ET.register_namespace("common", COMMON_NS)
