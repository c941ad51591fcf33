"""NAV's answers as XML: the request's header and software echoed, a result, the payload.

The shapes are invoiceApi.xsd's (NAV publishes no response samples; api-notes §10 derives
the same skeletons): technical messages' children in the common namespace, business ones' in
the api namespace, an unparseable request answered by GeneralExceptionResponse.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime

from devtools.nav_sandbox.world import Item
from shopsync.adapters.nav.wire import add, api, common, to_bytes
from shopsync.domain.nav_reporting import ValidationMessage
from shopsync.domain.nav_request_signing import request_timestamp


def _answer(root_tag: str, request: ET.Element, code: str = "", message: str = "") -> ET.Element:
    root = ET.Element(api(root_tag))
    root.append(copy.deepcopy(_child(request, common("header"))))
    result = add(root, common("result"))
    add(result, common("funcCode"), "ERROR" if code else "OK")
    if code:
        add(result, common("errorCode"), code)
        add(result, common("message"), message[:1024] or code)
    root.append(copy.deepcopy(_child(request, api("software"))))
    return root


def _child(request: ET.Element, tag: str) -> ET.Element:
    found = request.find(tag)
    if found is None:
        raise LookupError(tag)
    return found


def can_echo(request: ET.Element | None) -> bool:
    """Whether the request has the header and software an answer echoes."""
    return request is not None and all(
        request.find(tag) is not None for tag in (common("header"), api("software"))
    )


def general_error(request: ET.Element, code: str, message: str) -> bytes:
    return to_bytes(_answer("GeneralErrorResponse", request, code, message))


def general_exception(code: str, message: str) -> bytes:
    root = ET.Element(common("GeneralExceptionResponse"))
    add(root, common("funcCode"), "ERROR")
    add(root, common("errorCode"), code)
    add(root, common("message"), message[:1024])
    return to_bytes(root)


def token_exchange(
    request: ET.Element, encoded: str, valid_from: datetime, valid_to: datetime
) -> bytes:
    root = _answer("TokenExchangeResponse", request)
    add(root, api("encodedExchangeToken"), encoded)
    add(root, api("tokenValidityFrom"), request_timestamp(valid_from))
    add(root, api("tokenValidityTo"), request_timestamp(valid_to))
    return to_bytes(root)


def manage_invoice(request: ET.Element, transaction_id: str) -> bytes:
    root = _answer("ManageInvoiceResponse", request)
    add(root, api("transactionId"), transaction_id)
    return to_bytes(root)


def transaction_status(request: ET.Element, items: Iterable[Item] | None) -> bytes:
    """The results per index; no processingResults at all for a transaction NAV does not know."""
    root = _answer("QueryTransactionStatusResponse", request)
    if items is not None:
        listing = add(root, api("processingResults"))
        for item in items:
            _add_result(add(listing, api("processingResult")), item)
        add(listing, api("originalRequestVersion"), "3.0")
    return to_bytes(root)


def _add_result(element: ET.Element, item: Item) -> None:
    add(element, api("index"), str(item.index))
    add(element, api("invoiceStatus"), item.status)
    for message in (m for m in item.messages if m.kind == "technical"):
        _add_message(add(element, api("technicalValidationMessages")), message, common)
    for message in (m for m in item.messages if m.kind == "business"):
        _add_message(add(element, api("businessValidationMessages")), message, api)
    add(element, api("compressedContentIndicator"), "false")


def _add_message(
    element: ET.Element, message: ValidationMessage, tag: Callable[[str], str]
) -> None:
    add(element, tag("validationResultCode"), message.result_code)
    add(element, tag("validationErrorCode"), message.error_code)
    if message.message:
        add(element, tag("message"), message.message[:512])


def invoice_check(request: ET.Element, exists: bool) -> bytes:
    root = _answer("QueryInvoiceCheckResponse", request)
    add(root, api("invoiceCheckResult"), "true" if exists else "false")
    return to_bytes(root)
