"""The four NAV requests ShopSync sends, as signed XML: token, invoices, status, check.

Each builder is pure: given the user, the software, the header (id and time) and what is
asked, it returns the bytes to POST. The signature is computed here from the very strings
that go into the XML (the base64 of each invoice included), so what is signed is what is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopsync.adapters.nav.wire import RequestHeader, add, api, envelope, to_bytes
from shopsync.domain.nav_reporting import (
    MAX_OPERATIONS,
    InvoiceOperation,
    Software,
    TechnicalUser,
)
from shopsync.domain.nav_request_signing import request_signature


def _signature(header: RequestHeader, user: TechnicalUser, hashes: Sequence[str] = ()) -> str:
    return request_signature(header.request_id, header.timestamp, user.signing_key, hashes)


def token_exchange(header: RequestHeader, user: TechnicalUser, software: Software) -> bytes:
    """TokenExchangeRequest: the bare envelope."""
    return to_bytes(
        envelope("TokenExchangeRequest", header, user, _signature(header, user), software)
    )


def manage_invoice(
    header: RequestHeader,
    user: TechnicalUser,
    software: Software,
    token: str,
    operations: Sequence[InvoiceOperation],
) -> bytes:
    """ManageInvoiceRequest: the decrypted token and 1..100 operations, indexed from 1."""
    if not 1 <= len(operations) <= MAX_OPERATIONS:
        raise ValueError(f"a manageInvoice carries 1 to {MAX_OPERATIONS} invoices")
    hashes = [operation.index_hash for operation in operations]
    root = envelope(
        "ManageInvoiceRequest", header, user, _signature(header, user, hashes), software
    )
    add(root, api("exchangeToken"), token)
    listing = add(root, api("invoiceOperations"))
    add(listing, api("compressedContent"), "false")
    for index, operation in enumerate(operations, start=1):
        item = add(listing, api("invoiceOperation"))
        add(item, api("index"), str(index))
        add(item, api("invoiceOperation"), operation.operation)
        add(item, api("invoiceData"), operation.base64)
    return to_bytes(root)


def transaction_status(
    header: RequestHeader, user: TechnicalUser, software: Software, transaction_id: str
) -> bytes:
    """QueryTransactionStatusRequest, without the original request sent back."""
    signature = _signature(header, user)
    root = envelope("QueryTransactionStatusRequest", header, user, signature, software)
    add(root, api("transactionId"), transaction_id)
    add(root, api("returnOriginalRequest"), "false")
    return to_bytes(root)


def invoice_check(
    header: RequestHeader, user: TechnicalUser, software: Software, invoice_number: str
) -> bytes:
    """QueryInvoiceCheckRequest for one of our own (OUTBOUND) invoice numbers."""
    signature = _signature(header, user)
    root = envelope("QueryInvoiceCheckRequest", header, user, signature, software)
    query = add(root, api("invoiceNumberQuery"))
    add(query, api("invoiceNumber"), invoice_number)
    add(query, api("invoiceDirection"), "OUTBOUND")
    return to_bytes(root)
