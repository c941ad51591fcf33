"""How a line's VAT is reported to NAV: a percentage, or the exemption / out-of-scope case
(with the reason text) that a 0% line falls under."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Literal, get_args

from shopsync.domain.documents import Line
from shopsync.domain.nav_xml import NavDataError, add_text, data_tag, decimal_text

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
# A rounding line (or an accepted difference) reconciles the shop's gross total: no supply of
# its own, so out of scope. Its reason is ATK's own: NAV's summary groups lines by case, and an
# out-of-scope line of the shop (nav_zero_vat_case=ATK) must not read as rounding.
ROUNDING_CASE = ("vatOutOfScope", "ATK")

#: How a rate is reported: ("vatPercentage", "0.27"), ("vatExemption", "TAM"), ...
RateKey = tuple[str, str]


def rate_key(line: Line, zero_vat_case: str | None) -> RateKey:
    """The line's rate as NAV groups it; a 0% line takes the invoice's case."""
    if line.vat_rate:
        return "vatPercentage", decimal_text((line.vat_rate / 100).quantize(Decimal("0.0001")))
    if line.kind.is_adjustment:
        return ROUNDING_CASE
    return _zero_rate_key(line.name, zero_vat_case)


def _zero_rate_key(line_name: str, zero_vat_case: str | None) -> RateKey:
    if not zero_vat_case:
        raise NavDataError(
            f"the 0% line {line_name!r} needs its VAT exemption or out-of-scope case "
            f"(one of {', '.join(ZERO_VAT_CASES)}): shopsync shops set NAME nav_zero_vat_case=TAM"
        )
    if zero_vat_case in EXEMPTION_CASES:
        return "vatExemption", zero_vat_case
    if zero_vat_case in OUT_OF_SCOPE_CASES:
        return "vatOutOfScope", zero_vat_case
    raise NavDataError(f"unknown 0% VAT case {zero_vat_case!r}")


def add_vat_rate(parent: ET.Element, key: RateKey) -> None:
    """The percentage, or the case with the reason NAV is given for it."""
    kind, value = key
    if kind == "vatPercentage":
        add_text(parent, "vatPercentage", value)
        return
    case = ET.SubElement(parent, data_tag(kind))
    add_text(case, "case", value)
    add_text(case, "reason", _reason(key))


def _reason(key: RateKey) -> str:
    kind, value = key
    return (EXEMPTION_CASES if kind == "vatExemption" else OUT_OF_SCOPE_CASES)[value]
