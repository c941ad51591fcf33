"""NAV's answers parsed into values, and its error answers raised as typed errors.

Parsed namespace-aware (SPEC/CHANGELOG: prefixes and even some namespaces moved between
versions), so a child is found by `{namespace}name` wherever NAV puts its declaration.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from typing import Literal, cast

from shopsync.adapters.nav.wire import api, common
from shopsync.domain.nav_errors import NavError, NavUnavailable, nav_error
from shopsync.domain.nav_reporting import (
    InvoiceStatus,
    ProcessingResult,
    TokenGrant,
    TransactionStatus,
    ValidationMessage,
)

_ERROR_ROOTS = frozenset({api("GeneralErrorResponse"), common("GeneralExceptionResponse")})


def parse(body: bytes, http_status: int) -> ET.Element:
    """The answer's root element; the typed NavError when it is an error or not NAV's XML."""
    try:
        # NAV's own answer over TLS; expat (≥ 2.4) caps entity expansion, and ElementTree
        # never fetches external entities.
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError as exc:
        raise _unreadable(http_status, body) from exc
    if (
        root.tag in _ERROR_ROOTS
        or _text(root, f"{common('result')}/{common('funcCode')}") == "ERROR"
    ):
        raise _error_of(root, http_status)
    if http_status >= 400:
        raise nav_error("", f"unexpected {root.tag} with HTTP {http_status}", http_status)
    return root


def _unreadable(http_status: int, body: bytes) -> NavError:
    snippet = body[:200].decode("utf-8", "replace")
    if http_status >= 500 or http_status == 200:
        return NavUnavailable("", f"not NAV's XML: {snippet}", http_status)
    return nav_error("", f"not NAV's XML: {snippet}", http_status)


def _error_of(root: ET.Element, http_status: int) -> NavError:
    result = root if root.tag == common("GeneralExceptionResponse") else root.find(common("result"))
    code = _text(result, common("errorCode")) if result is not None else ""
    message = _text(result, common("message")) if result is not None else ""
    return nav_error(code, message, http_status)


def _text(element: ET.Element | None, path: str) -> str:
    found = None if element is None else element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def token_grant(root: ET.Element) -> TokenGrant:
    """TokenExchangeResponse: the encrypted token and its validity."""
    return TokenGrant(
        _text(root, api("encodedExchangeToken")),
        _time(_text(root, api("tokenValidityFrom"))),
        _time(_text(root, api("tokenValidityTo"))),
    )


def transaction_id(root: ET.Element) -> str:
    """ManageInvoiceResponse: the id NAV gave the transaction."""
    value = _text(root, api("transactionId"))
    if not value:
        raise NavUnavailable("", "NAV answered manageInvoice without a transactionId", 200)
    return value


def transaction_status(root: ET.Element, transaction: str) -> TransactionStatus:
    """QueryTransactionStatusResponse: one result per index (none while NAV shows nothing)."""
    results = root.findall(f"{api('processingResults')}/{api('processingResult')}")
    return TransactionStatus(transaction, tuple(_result(result) for result in results))


def _result(element: ET.Element) -> ProcessingResult:
    technical = element.findall(api("technicalValidationMessages"))
    business = element.findall(api("businessValidationMessages"))
    return ProcessingResult(
        int(_text(element, api("index"))),
        cast(InvoiceStatus, _text(element, api("invoiceStatus"))),
        tuple(_message(m, "technical", common) for m in technical)
        + tuple(_message(m, "business", api) for m in business),
    )


def _message(
    element: ET.Element, kind: Literal["technical", "business"], tag: Callable[[str], str]
) -> ValidationMessage:
    """A validation message: a technical one's children are in the common namespace."""
    return ValidationMessage(
        kind,
        _text(element, tag("validationResultCode")),
        _text(element, tag("validationErrorCode")),
        _text(element, tag("message")),
    )


def invoice_exists(root: ET.Element) -> bool:
    """QueryInvoiceCheckResponse: whether NAV holds exactly one valid invoice of that number."""
    return _text(root, api("invoiceCheckResult")) == "true"
