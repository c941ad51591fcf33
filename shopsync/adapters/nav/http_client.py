"""NAV Online Számla v3.0 over HTTP (aiohttp): token, invoices, transaction status, check.

`submit` sends one /manageInvoice with a fresh single-use token and answers the transaction
id. What NAV refused before processing (maintenance, a bad token) is tried again; a request
NAV may have processed (no answer, a 5xx) is never sent again here: it raises NavNoAnswer,
and the caller asks NAV what it has (service_layer.nav_submission) before resending. The
queries and the token exchange change nothing at NAV and are retried with backoff.
Request bodies carry the password hash and signature: they are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp

from shopsync.adapters.nav import requests, responses
from shopsync.adapters.nav.retry import Backoff, Sleep, retrying
from shopsync.adapters.nav.wire import RequestHeader
from shopsync.domain.nav_errors import (
    InvalidCredentials,
    InvalidExchangeToken,
    NavMaintenance,
    NavNoAnswer,
    NavUnavailable,
)
from shopsync.domain.nav_exchange_token import ExchangeTokenError, decrypt_exchange_token
from shopsync.domain.nav_reporting import (
    InvoiceOperation,
    Software,
    TechnicalUser,
    TransactionStatus,
)

log = logging.getLogger(__name__)
TEST_URL = "https://api-test.onlineszamla.nav.gov.hu/invoiceService/v3"
PRODUCTION_URL = "https://api.onlineszamla.nav.gov.hu/invoiceService/v3"
_HEADERS = {"Content-Type": "application/xml", "Accept": "application/xml"}


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NavEndpoint:
    """Where NAV is and how long an answer may take (NAV's own limit is 60 s, SPEC §1.6.6)."""

    base_url: str = TEST_URL
    timeout_s: float = 60.0


@dataclass
class HttpNavClient:
    """One technical user's NAV client; `requests` counts the calls made, by operation."""

    user: TechnicalUser
    software: Software
    http: aiohttp.ClientSession
    endpoint: NavEndpoint = NavEndpoint()
    backoff: Backoff = field(default_factory=Backoff)
    clock: Callable[[], datetime] = _utc_now
    sleep: Sleep = asyncio.sleep
    requests: Counter[str] = field(default_factory=Counter)

    async def exchange_token(self) -> str:
        """A fresh decrypted exchange token (single use: one per /manageInvoice)."""
        return await retrying(self._token_once, self.backoff, self.sleep)

    async def submit(self, operations: Sequence[InvoiceOperation]) -> str:
        """The transaction id of one /manageInvoice of these 1..100 operations, indexed from 1."""
        retry_on = (NavMaintenance, InvalidExchangeToken)
        return await retrying(
            lambda: self._submit_once(operations), self.backoff, self.sleep, retry_on
        )

    async def status(self, transaction_id: str) -> TransactionStatus:
        """The transaction's result per index (none yet while NAV does not show it)."""

        async def ask() -> TransactionStatus:
            body = requests.transaction_status(
                self._header(), self.user, self.software, transaction_id
            )
            return responses.transaction_status(
                await self._post("queryTransactionStatus", body), transaction_id
            )

        return await retrying(ask, self.backoff, self.sleep)

    async def invoice_exists(self, number: str) -> bool:
        """Whether NAV holds a valid invoice of ours with this number (queryInvoiceCheck)."""

        async def ask() -> bool:
            body = requests.invoice_check(self._header(), self.user, self.software, number)
            return responses.invoice_exists(await self._post("queryInvoiceCheck", body))

        return await retrying(ask, self.backoff, self.sleep)

    async def _token_once(self) -> str:
        body = requests.token_exchange(self._header(), self.user, self.software)
        grant = responses.token_grant(await self._post("tokenExchange", body))
        try:
            return decrypt_exchange_token(grant.encoded_token, self.user.exchange_key)
        except ExchangeTokenError as exc:
            raise InvalidCredentials("", f"{exc} (is the exchange key right?)") from exc

    async def _submit_once(self, operations: Sequence[InvoiceOperation]) -> str:
        token = await self.exchange_token()
        body = requests.manage_invoice(self._header(), self.user, self.software, token, operations)
        try:
            return responses.transaction_id(await self._post("manageInvoice", body))
        except (NavMaintenance, NavNoAnswer, InvalidExchangeToken):
            raise
        except NavUnavailable as exc:  # a 5xx: NAV may have saved it before failing
            raise NavNoAnswer(exc.code, exc.message, exc.http_status) from exc

    def _header(self) -> RequestHeader:
        return RequestHeader.fresh(self.clock())

    async def _post(self, operation: str, body: bytes) -> ET.Element:
        """NAV's answer to `operation`, parsed; NavNoAnswer when none came in time."""
        self.requests[operation] += 1
        timeout = aiohttp.ClientTimeout(total=self.endpoint.timeout_s)
        url = f"{self.endpoint.base_url.rstrip('/')}/{operation}"
        try:
            async with self.http.post(url, data=body, headers=_HEADERS, timeout=timeout) as answer:
                return responses.parse(await answer.read(), answer.status)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("NAV %s: no answer (%s)", operation, type(exc).__name__)
            raise NavNoAnswer("", f"{operation}: no answer ({type(exc).__name__})") from exc
