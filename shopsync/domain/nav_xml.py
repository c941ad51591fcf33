"""How NAV's InvoiceData XML is written: namespaces, tags, numbers, and what may not be empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

DATA_NS = "http://schemas.nav.gov.hu/OSA/3.0/data"
BASE_NS = "http://schemas.nav.gov.hu/OSA/3.0/base"
COMMON_NS = "http://schemas.nav.gov.hu/NTCA/1.0/common"
CENT = Decimal("0.01")


class NavDataError(ValueError):
    """The document lacks what NAV requires; the message says what and how to give it."""


def required(value: str, what: str) -> str:
    """The value stripped; NavDataError naming `what` when it is blank."""
    if not value.strip():
        raise NavDataError(f"{what} missing")
    return value.strip()


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """A number as NAV's schema takes it: no exponent, no trailing zeros, never "-0"."""
    text = format(value, "f")
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        text = f"{whole}.{fraction}" if fraction else whole
    return "0" if text in ("-0", "") else text


def money_text(value: Decimal) -> str:
    return decimal_text(round_cent(value))


def data_tag(tag: str) -> str:
    return f"{{{DATA_NS}}}{tag}"


def base_tag(tag: str) -> str:
    return f"{{{BASE_NS}}}{tag}"


def add_text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, data_tag(tag))
    element.text = value
    return element


def add_money(parent: ET.Element, tag: str, amount: Decimal, amount_huf: Decimal) -> None:
    """An amount in the invoice's currency as `tag`, and in HUF as `tagHUF`."""
    add_text(parent, tag, money_text(amount))
    add_text(parent, f"{tag}HUF", money_text(amount_huf))


def add_money_group(
    parent: ET.Element, group: str, tag: str, amount: Decimal, amount_huf: Decimal
) -> None:
    add_money(ET.SubElement(parent, data_tag(group)), tag, amount, amount_huf)


ET.register_namespace("", DATA_NS)
ET.register_namespace("base", BASE_NS)
ET.register_namespace("common", COMMON_NS)
