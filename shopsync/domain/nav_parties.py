"""The supplier and the customer of a NAV invoice: who they are, the customer's VAT status,
and what a private person's record leaves out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from shopsync.domain.nav_xml import NavDataError, add_text, base_tag, data_tag, required

CustomerVatStatus = Literal["DOMESTIC", "PRIVATE_PERSON", "OTHER"]
CUSTOMER_VAT_STATUSES: tuple[CustomerVatStatus, ...] = ("DOMESTIC", "PRIVATE_PERSON", "OTHER")
HUNGARIAN_TAX_NUMBER = re.compile(r"^(\d{8})-?([1-5])-?(\d{2})$")
COMMUNITY_VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")


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


def customer_vat_status(
    tax_number: str, business: bool, country_code: str, override: str | None = None
) -> CustomerVatStatus:
    """DOMESTIC with a Hungarian tax number, PRIVATE_PERSON for a private buyer, else OTHER."""
    if override:
        return _known_status(override)
    if not business:
        return "PRIVATE_PERSON"
    if HUNGARIAN_TAX_NUMBER.match(tax_number.strip()) and country_code in ("", "HU"):
        return "DOMESTIC"
    return "OTHER"


def _known_status(status: str) -> CustomerVatStatus:
    """The status a connection's setting names; NavDataError if NAV has none such."""
    if status not in CUSTOMER_VAT_STATUSES:
        raise NavDataError(f"unknown customerVatStatus {status!r}")
    return status


def add_supplier(head: ET.Element, supplier: Supplier) -> None:
    info = ET.SubElement(head, data_tag("supplierInfo"))
    _add_tax_number(info, "supplierTaxNumber", supplier.tax_number, "supplier")
    add_text(info, "supplierName", required(supplier.name, "supplier name"))
    _add_address(info, "supplierAddress", supplier.address, "supplier address incomplete")
    if supplier.bank_account:
        add_text(info, "supplierBankAccountNumber", supplier.bank_account)


def add_customer(head: ET.Element, customer: Customer) -> None:
    info = ET.SubElement(head, data_tag("customerInfo"))
    add_text(info, "customerVatStatus", customer.status)
    if customer.status == "PRIVATE_PERSON":
        return  # name, address and tax data are forbidden here; they stay on the document
    _add_customer_vat_data(info, customer)
    add_text(info, "customerName", required(customer.name, "customer name")[:512])
    incomplete = f"a {customer.status} customer needs a full address"
    _add_address(info, "customerAddress", customer.address, incomplete)


def _add_customer_vat_data(info: ET.Element, customer: Customer) -> None:
    """A domestic customer's tax number; another's EU VAT number when it looks like one."""
    if customer.status == "DOMESTIC":
        vat_data = ET.SubElement(info, data_tag("customerVatData"))
        _add_tax_number(vat_data, "customerTaxNumber", customer.tax_number, "customer")
        return
    community_number = customer.tax_number.replace(" ", "").upper()
    if COMMUNITY_VAT_NUMBER.match(community_number):
        vat_data = ET.SubElement(info, data_tag("customerVatData"))
        add_text(vat_data, "communityVatNumber", community_number)


def _add_tax_number(parent: ET.Element, tag: str, value: str, whose: str) -> None:
    parts = _tax_number_parts(value, whose)
    element = ET.SubElement(parent, data_tag(tag))
    for name, part in zip(("taxpayerId", "vatCode", "countyCode"), parts, strict=True):
        ET.SubElement(element, base_tag(name)).text = part


def _tax_number_parts(value: str, whose: str) -> tuple[str, ...]:
    """Taxpayer id, VAT code and county code of a Hungarian tax number (12345678-2-41)."""
    match = HUNGARIAN_TAX_NUMBER.match(value.strip())
    if match is None:
        raise NavDataError(
            f"{whose} tax number {value!r} is not a Hungarian one (12345678-2-41)"
            if value.strip()
            else f"{whose} tax number missing"
        )
    return match.groups()


def _add_address(parent: ET.Element, tag: str, address: Address, incomplete: str) -> None:
    """The address as a simpleAddress; NavDataError starting with `incomplete` if it is not."""
    if missing := address.missing():
        raise NavDataError(f"{incomplete}: {', '.join(missing)} missing")
    simple = ET.SubElement(ET.SubElement(parent, data_tag(tag)), base_tag("simpleAddress"))
    ET.SubElement(simple, base_tag("countryCode")).text = address.country_code.upper()
    ET.SubElement(simple, base_tag("postalCode")).text = address.postcode.strip().upper()
    ET.SubElement(simple, base_tag("city")).text = address.city.strip()[:255]
    ET.SubElement(simple, base_tag("additionalAddressDetail")).text = address.street.strip()[:255]
