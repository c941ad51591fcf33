"""The sandbox's side of MNB's wire format: requests read, answers and faults written."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from devtools.mnb_sandbox.recorded import Quote

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MNB_NS = "http://www.mnb.hu/webservices/"
SERIALIZATION_NS = "http://schemas.microsoft.com/2003/10/Serialization/"


class BadRequest(ValueError):
    """A request MNB would answer with a fault; the message is the fault's detail."""


def operation_and_parameters(body: bytes) -> tuple[str, dict[str, str]]:
    """The operation a request envelope calls and its string parameters."""
    try:
        envelope = ET.fromstring(body)  # noqa: S314 (our own test traffic)
    except ET.ParseError as exc:
        raise BadRequest(f"the request is not XML: {exc}") from exc
    call = next(iter(envelope.find(f"{{{SOAP_NS}}}Body") or []), None)
    if call is None or not call.tag.startswith(f"{{{MNB_NS}}}"):
        raise BadRequest("the request's body calls no operation of MNB's service")
    parameters = {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in call}
    return call.tag.rsplit("}", 1)[-1], parameters


def requested_day(parameters: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(parameters.get(name, "").strip())
    except ValueError as exc:
        raise BadRequest(f"{name}: not a date (yyyy-MM-dd): {parameters.get(name)!r}") from exc


def rates_document(root: str, days: list[tuple[date, dict[str, Quote]]]) -> str:
    """The inner document: <MNBExchangeRates><Day date=".."><Rate unit="1" curr="EUR">…"""
    if not days:
        return f"<{root} />"
    return f"<{root}>" + "".join(_day(on, quotes) for on, quotes in days) + f"</{root}>"


def _day(on: date, quotes: dict[str, Quote]) -> str:
    rates = "".join(
        f"<Rate unit={quoteattr(str(unit))} curr={quoteattr(code)}>{escape(value)}</Rate>"
        for code, (unit, value) in sorted(quotes.items())
    )
    return f'<Day date="{on.isoformat()}">{rates}</Day>'


def answer_envelope(operation: str, inner: str) -> bytes:
    """WCF's answer: the inner document as escaped text of `<OperationResult>`."""
    return (
        f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body>'
        f'<{operation}Response xmlns="{MNB_NS}" '
        'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f"<{operation}Result>{escape(inner)}</{operation}Result>"
        f"</{operation}Response></s:Body></s:Envelope>"
    ).encode()


def fault_envelope(message: str) -> bytes:
    """WCF's StringFault: a faultstring and the message as the detail's string."""
    text = escape(message)
    return (
        f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body><s:Fault>'
        f'<faultcode>s:Client</faultcode><faultstring xml:lang="hu-HU">{text}</faultstring>'
        f'<detail><string xmlns="{SERIALIZATION_NS}">{text}</string></detail>'
        "</s:Fault></s:Body></s:Envelope>"
    ).encode()
