"""MNB's SOAP 1.1 wire format: request envelopes, and the XML string inside every answer.

Each operation answers one `<OperationResult>` whose text is itself an XML document (sent
escaped, or as CDATA): parse the envelope, take that text, parse it again. Rates are HUF
for `unit` units with a decimal comma (`<Rate unit="100" curr="JPY">274,56</Rate>`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date
from xml.sax.saxutils import escape

from shopsync.adapters.mnb.errors import MnbBadAnswer, MnbFault
from shopsync.domain.exchange_rates import BadQuote, PublishedRate, huf_per_unit

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MNB_NS = "http://www.mnb.hu/webservices/"
ACTION_PREFIX = "http://www.mnb.hu/webservices/MNBArfolyamServiceSoap/"
CONTENT_TYPE = "text/xml; charset=utf-8"


def soap_action(operation: str) -> str:
    """The SOAPAction header of an operation, quoted as SOAP 1.1 clients send it."""
    return f'"{ACTION_PREFIX}{operation}"'


def request_envelope(operation: str, parameters: dict[str, str] | None = None) -> bytes:
    """A document/literal request: the operation's element, its string parameters."""
    children = "".join(
        f"<{name}>{escape(value)}</{name}>" for name, value in (parameters or {}).items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
        f'<{operation} xmlns="{MNB_NS}">{children}</{operation}>'
        "</soap:Body></soap:Envelope>"
    ).encode()


def exchange_rates_request(start: date, end: date, currencies: Iterable[str]) -> bytes:
    """GetExchangeRates for a range of days and currencies (comma-joined, as MNB takes them)."""
    names = ",".join(sorted({c.upper() for c in currencies}))
    dates = {"startDate": start.isoformat(), "endDate": end.isoformat()}
    return request_envelope("GetExchangeRates", {**dates, "currencyNames": names})


def result_text(body: bytes, operation: str) -> str:
    """The inner XML string an answer carries; MnbFault for a SOAP fault."""
    envelope = _xml(body, "the SOAP envelope")
    fault = envelope.find(f"{{{SOAP_NS}}}Body/{{{SOAP_NS}}}Fault")
    if fault is not None:
        raise MnbFault(f"MNB refused {operation}: {fault_message(fault)}")
    result = envelope.find(f".//{{{MNB_NS}}}{operation}Result")
    if result is None:
        raise MnbBadAnswer(f"MNB's answer to {operation} holds no {operation}Result")
    return result.text or ""


def fault_message(fault: ET.Element) -> str:
    """What a fault says: its detail string when it has one, else its faultstring."""
    texts = [(e.text or "").strip() for e in fault.iter() if e.tag.rsplit("}", 1)[-1] == "string"]
    detail = next((t for t in texts if t), "")
    return (detail or (fault.findtext("faultstring") or "")).strip()[:500] or "no reason given"


def published_rates(inner: str) -> list[PublishedRate]:
    """Every rate of an MNBExchangeRates or MNBCurrentExchangeRates document, newest first."""
    if not inner.strip():
        return []
    document = _xml(inner.encode(), "the rate document")
    return [rate for day in document.iter("Day") for rate in _day_rates(day)]


def _day_rates(day: ET.Element) -> list[PublishedRate]:
    try:
        on = date.fromisoformat(day.get("date", ""))
        return [
            PublishedRate(
                r.get("curr", "").upper(), on, huf_per_unit(r.text or "", int(r.get("unit", "1")))
            )
            for r in day.iter("Rate")
        ]
    except (ValueError, BadQuote) as exc:
        raise MnbBadAnswer(f"MNB sent a rate that cannot be read: {exc}") from exc


def _xml(data: bytes, what: str) -> ET.Element:
    """Parse MNB's XML (expat refuses entity expansion bombs; no DTD is ever needed)."""
    if b"<!DOCTYPE" in data:
        raise MnbBadAnswer(f"{what} carries a DOCTYPE: not MNB's answer")
    try:
        return ET.fromstring(data)  # noqa: S314
    except ET.ParseError as exc:
        raise MnbBadAnswer(f"{what} is not XML: {exc}") from exc
