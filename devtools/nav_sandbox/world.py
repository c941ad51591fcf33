"""The NAV sandbox's state: technical users, tokens, request ids, transactions, invoices.

Everything lives in memory for one run, like the Shoprenter sandbox. The clock is the
world's, so tests can move it; faults and settings are changed through the admin API.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shopsync.domain.nav_reporting import InvoiceStatus, Operation, TechnicalUser, ValidationMessage


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class NavSettings:
    """How the sandbox behaves: processing delay, token life, clock window, hang length."""

    processing_delay_s: float = 0.5  # RECEIVED → PROCESSING at half, DONE/ABORTED at the end
    token_validity_s: float = 300.0  # "currently 5 minutes" (SPEC §1.8.10)
    timestamp_window: timedelta = timedelta(days=1)  # ±1 day (SPEC §1.3.1)
    hang_s: float = 65.0  # how long a timeout fault keeps the caller waiting (NAV gives up at 60)
    amount_check_level: str = "ERROR"  # summary and VAT checks: ERROR (blocking) or WARN


@dataclass
class Faults:
    """Faults for the next requests (counts) and for any request (rates), optionally per operation.

    A timeout processes the request and never answers; a server error answers a bare HTTP 500
    without processing; maintenance answers 503 MAINTENANCE_MODE without processing.
    """

    timeouts: int = 0
    server_errors: int = 0
    maintenance: int = 0
    timeout_rate: float = 0.0
    server_error_rate: float = 0.0
    maintenance_rate: float = 0.0
    operations: frozenset[str] = frozenset()  # empty: every operation


@dataclass
class Token:
    value: str
    tax_number: str
    valid_to: datetime
    used: bool = False


@dataclass
class Item:
    """One index of a transaction, and what processing made of it."""

    index: int
    operation: Operation
    invoice_data: bytes
    status: InvoiceStatus = "RECEIVED"
    messages: tuple[ValidationMessage, ...] = ()


@dataclass
class Transaction:
    transaction_id: str
    tax_number: str
    received_at: datetime
    items: list[Item]
    processed: bool = False


@dataclass(frozen=True)
class Reported:
    """An invoice NAV holds (DONE): what later modifications and checks look at."""

    number: str
    operation: Operation
    original: str | None = None
    modification_index: int | None = None


@dataclass
class NavWorld:
    """All of the sandbox: one NAV, many taxpayers."""

    settings: NavSettings = field(default_factory=NavSettings)
    faults: Faults = field(default_factory=Faults)
    clock: Callable[[], datetime] = _utc_now
    rng: random.Random = field(default_factory=lambda: random.Random(18))
    users: dict[str, TechnicalUser] = field(default_factory=dict)
    request_ids: set[tuple[str, str]] = field(default_factory=set)  # (tax number, request id)
    tokens: dict[str, Token] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    invoices: dict[tuple[str, str], Reported] = field(default_factory=dict)  # (tax, number)
    creates: Counter[tuple[str, str]] = field(default_factory=Counter)  # CREATEs received
    requests: Counter[str] = field(default_factory=Counter)

    def add_user(self, user: TechnicalUser) -> TechnicalUser:
        """Register a technical user (as the taxpayer's primary user does on NAV's web UI)."""
        self.users[user.login] = user
        return user

    def issue_token(self, tax_number: str) -> Token:
        """A fresh single-use token like NAV's (48 characters), valid for the configured time."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        value = str(uuid.uuid4()) + "".join(secrets.choice(alphabet) for _ in range(12))
        valid_to = self.clock() + timedelta(seconds=self.settings.token_validity_s)
        token = Token(value, tax_number, valid_to)
        self.tokens[value] = token
        return token

    def new_transaction_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "".join(self.rng.choices(alphabet, k=16))

    def stats(self) -> dict[str, object]:
        """What the admin endpoint shows: CREATEs per number, invoices held, requests made."""
        creates: dict[str, dict[str, int]] = {}
        for (tax, number), count in sorted(self.creates.items()):
            creates.setdefault(tax, {})[number] = count
        return {
            "creates": creates,
            "invoices": sorted(f"{tax}/{number}" for tax, number in self.invoices),
            "transactions": len(self.transactions),
            "requests": dict(self.requests),
        }
