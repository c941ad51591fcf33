"""NAV's request envelope: namespaces, `header`, `user` and `software`, as ElementTree.

Every request root extends BasicOnlineInvoiceRequestType (header + user + software); the
children of common types are in the common namespace (both schemas are qualified).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from shopsync.domain.nav_reporting import Software, TechnicalUser
from shopsync.domain.nav_request_signing import new_request_id, request_timestamp

API_NS = "http://schemas.nav.gov.hu/OSA/3.0/api"
COMMON_NS = "http://schemas.nav.gov.hu/NTCA/1.0/common"


def api(tag: str) -> str:
    return f"{{{API_NS}}}{tag}"


def common(tag: str) -> str:
    return f"{{{COMMON_NS}}}{tag}"


@dataclass(frozen=True)
class RequestHeader:
    """A request's id and timestamp: what the signature covers besides the key."""

    request_id: str
    timestamp: str

    @classmethod
    def fresh(cls, now: datetime) -> RequestHeader:
        return cls(new_request_id(), request_timestamp(now))


def add(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child `tag` (already namespaced) with its text and attributes."""
    element = ET.SubElement(parent, tag, attrib)
    element.text = text
    return element


def envelope(
    root: str, header: RequestHeader, user: TechnicalUser, signature: str, software: Software
) -> ET.Element:
    """The request's root element with its header, user and software filled in."""
    element = ET.Element(api(root))
    head = add(element, common("header"))
    add(head, common("requestId"), header.request_id)
    add(head, common("timestamp"), header.timestamp)
    add(head, common("requestVersion"), "3.0")
    add(head, common("headerVersion"), "1.0")
    _add_user(add(element, common("user")), user, signature)
    add_software(element, software)
    return element


def _add_user(element: ET.Element, user: TechnicalUser, signature: str) -> None:
    add(element, common("login"), user.login)
    add(element, common("passwordHash"), user.password_hash, cryptoType="SHA-512")
    add(element, common("taxNumber"), user.tax_number)
    add(element, common("requestSignature"), signature, cryptoType="SHA3-512")


def add_software(parent: ET.Element, software: Software) -> None:
    """The `software` block; optional fields left out when not given."""
    element = add(parent, api("software"))
    fields = (
        ("softwareId", software.software_id),
        ("softwareName", software.name),
        ("softwareOperation", software.operation),
        ("softwareMainVersion", software.main_version),
        ("softwareDevName", software.dev_name),
        ("softwareDevContact", software.dev_contact),
        ("softwareDevCountryCode", software.dev_country_code),
        ("softwareDevTaxNumber", software.dev_tax_number),
    )
    for tag, value in fields:
        if value is not None:
            add(element, api(tag), value)


def to_bytes(root: ET.Element) -> bytes:
    """UTF-8 with an XML declaration, as NAV is sent it."""
    xml: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return xml


# A prefix, not the default namespace: the InvoiceData builder registers its own namespace
# as ElementTree's (process-wide) default, and ElementTree cannot write unprefixed
# attributes (cryptoType) under a per-call default. NAV reads namespaces, not prefixes.
ET.register_namespace("api", API_NS)
ET.register_namespace("common", COMMON_NS)
