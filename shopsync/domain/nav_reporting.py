"""What is reported to NAV and what NAV answers, as values: operations, users, results.

The client builds its requests from these and parses NAV's answers into them, so the
reporting use cases speak of invoices, transactions and per-invoice results, never XML.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shopsync.domain.nav_request_signing import index_hash, password_hash

#: NAV takes at most 100 invoice operations in one /manageInvoice (InvoiceIndexType 1..100).
MAX_OPERATIONS = 100
Operation = Literal["CREATE", "MODIFY", "STORNO"]
InvoiceStatus = Literal["RECEIVED", "PROCESSING", "SAVED", "DONE", "ABORTED"]
#: States after which NAV does not change its mind about an index.
FINAL_STATUSES = frozenset({"DONE", "ABORTED"})


@dataclass(frozen=True)
class TechnicalUser:
    """A taxpayer's NAV technical user; the secrets stay out of repr (and so out of logs)."""

    login: str
    tax_number: str  # the taxpayer's 8 digits
    password: str = field(repr=False)
    signing_key: str = field(repr=False)
    exchange_key: str = field(repr=False)

    @property
    def password_hash(self) -> str:
        return password_hash(self.password)


@dataclass(frozen=True)
class Software:
    """The `software` block every request carries: which program reports, and who made it."""

    software_id: str  # 18 characters of [0-9A-Z-]
    name: str
    operation: Literal["LOCAL_SOFTWARE", "ONLINE_SERVICE"]
    main_version: str
    dev_name: str
    dev_contact: str  # an e-mail NAV writes to about problems
    dev_country_code: str | None = None
    dev_tax_number: str | None = None


@dataclass(frozen=True)
class InvoiceOperation:
    """One invoice of a /manageInvoice: CREATE for an invoice, STORNO for its cancellation."""

    operation: Operation
    number: str
    invoice_data: bytes  # the InvoiceData XML

    @property
    def base64(self) -> str:
        """The text put in `invoiceData`: built once, so the signed text is the sent text."""
        return base64.b64encode(self.invoice_data).decode("ascii")

    @property
    def index_hash(self) -> str:
        return index_hash(self.operation, self.base64)


@dataclass(frozen=True)
class TokenGrant:
    """An exchange token as /tokenExchange gives it, still encrypted, and how long it is valid."""

    encoded_token: str
    valid_from: datetime
    valid_to: datetime


@dataclass(frozen=True)
class ValidationMessage:
    """One of NAV's messages about an index: technical (schema) or business, and its level."""

    kind: Literal["technical", "business"]
    result_code: str  # ERROR, WARN, INFO (CRITICAL is reserved)
    error_code: str
    message: str = ""


@dataclass(frozen=True)
class ProcessingResult:
    """NAV's result for one index of a transaction."""

    index: int
    status: InvoiceStatus
    messages: tuple[ValidationMessage, ...] = ()

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(m.error_code for m in self.messages if m.result_code in ("ERROR", "CRITICAL"))


@dataclass(frozen=True)
class TransactionStatus:
    """A transaction's per-index results; none yet means NAV does not show it yet."""

    transaction_id: str
    results: tuple[ProcessingResult, ...]

    @property
    def finished(self) -> bool:
        return bool(self.results) and all(result.final for result in self.results)

    def result(self, index: int) -> ProcessingResult | None:
        return next((r for r in self.results if r.index == index), None)


def batches(operations: tuple[InvoiceOperation, ...]) -> tuple[tuple[InvoiceOperation, ...], ...]:
    """The operations in requests of at most MAX_OPERATIONS, in their order."""
    return tuple(
        operations[start : start + MAX_OPERATIONS]
        for start in range(0, len(operations), MAX_OPERATIONS)
    )
