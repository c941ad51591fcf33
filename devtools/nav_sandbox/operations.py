"""The four operations of invoiceService/v3 the sandbox serves, each from request to answer.

A request is authenticated first (envelope.authenticate); its request id is taken only
when it succeeds, as NAV binds only the ids of successfully processed requests.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import xml.etree.ElementTree as ET
from collections.abc import Callable

from devtools.nav_sandbox import replies
from devtools.nav_sandbox.envelope import Caller, Refusal, authenticate, value
from devtools.nav_sandbox.processing import receive, status_of
from devtools.nav_sandbox.world import Item, NavWorld
from shopsync.adapters.nav.wire import api
from shopsync.domain.nav_exchange_token import encrypt_exchange_token
from shopsync.domain.nav_reporting import Operation
from shopsync.domain.nav_request_signing import index_hash

Handler = Callable[[NavWorld, ET.Element], bytes]


def _accepted(world: NavWorld, caller: Caller) -> None:
    world.request_ids.add((caller.user.tax_number, caller.request_id))


def token_exchange(world: NavWorld, root: ET.Element) -> bytes:
    """A fresh single-use token, encrypted with the user's exchange key."""
    caller = authenticate(world, root)
    token = world.issue_token(caller.user.tax_number)
    encoded = encrypt_exchange_token(token.value, caller.user.exchange_key)
    _accepted(world, caller)
    return replies.token_exchange(root, encoded, world.clock(), token.valid_to)


def manage_invoice(world: NavWorld, root: ET.Element) -> bytes:
    """Take the invoices as one transaction (processed later) and answer its id."""
    listing = root.find(api("invoiceOperations"))
    assert listing is not None  # the schema requires it
    raw = [_raw_item(element) for element in listing.findall(api("invoiceOperation"))]
    if [index for index, _, _ in raw] != list(range(1, len(raw) + 1)):
        raise Refusal(400, "INDEX_NOT_SEQUENTIAL", "indexes must run 1, 2, 3 …")
    caller = authenticate(world, root, [index_hash(op, text) for _, op, text in raw])
    _use_token(world, caller, value(root, api("exchangeToken")))
    compressed = value(listing, api("compressedContent")) == "true"
    items = [Item(index, op, _decoded(text, compressed)) for index, op, text in raw]
    transaction = receive(world, caller.user.tax_number, items)
    _accepted(world, caller)
    return replies.manage_invoice(root, transaction.transaction_id)


def _raw_item(element: ET.Element) -> tuple[int, Operation, str]:
    operation: Operation = value(element, api("invoiceOperation"))  # type: ignore[assignment]
    return int(value(element, api("index"))), operation, value(element, api("invoiceData"))


def _use_token(world: NavWorld, caller: Caller, token_value: str) -> None:
    token = world.tokens.get(token_value)
    if (
        token is None
        or token.used
        or token.tax_number != caller.user.tax_number
        or token.valid_to < world.clock()
    ):
        raise Refusal(400, "INVALID_EXCHANGE_TOKEN", "unknown, used, expired or foreign token")
    token.used = True


def _decoded(text: str, compressed: bool) -> bytes:
    """The invoice's XML; what does not decode becomes bytes the schema check rejects."""
    try:
        data = base64.b64decode(text)
        return gzip.decompress(data) if compressed else data
    except (binascii.Error, OSError, EOFError):
        return b""


def query_transaction_status(world: NavWorld, root: ET.Element) -> bytes:
    """The transaction's results per index; none for a transaction of another taxpayer."""
    caller = authenticate(world, root)
    transaction = world.transactions.get(value(root, api("transactionId")))
    items = None
    if transaction is not None and transaction.tax_number == caller.user.tax_number:
        items = status_of(world, transaction, world.clock())
    _accepted(world, caller)
    return replies.transaction_status(root, items)


def query_invoice_check(world: NavWorld, root: ET.Element) -> bytes:
    """Whether the taxpayer's outbound invoice of that number is held (DONE) at NAV."""
    caller = authenticate(world, root)
    query = root.find(api("invoiceNumberQuery"))
    assert query is not None  # the schema requires it
    number = value(query, api("invoiceNumber"))
    outbound = value(query, api("invoiceDirection")) == "OUTBOUND"
    exists = outbound and (caller.user.tax_number, number) in world.invoices
    _accepted(world, caller)
    return replies.invoice_check(root, exists)


OPERATIONS: dict[str, Handler] = {
    "tokenExchange": token_exchange,
    "manageInvoice": manage_invoice,
    "queryTransactionStatus": query_transaction_status,
    "queryInvoiceCheck": query_invoice_check,
}
