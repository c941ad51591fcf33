"""`HttpMnbClient`: MNB's rate operations over HTTP, answers parsed, failures typed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import aiohttp

from shopsync.adapters.mnb.errors import MnbUnavailable
from shopsync.adapters.mnb.wire import (
    CONTENT_TYPE,
    exchange_rates_request,
    published_rates,
    request_envelope,
    result_text,
    soap_action,
)
from shopsync.domain.exchange_rates import PublishedRate

#: MNB's service as its WSDL names it (plain HTTP: its HTTPS host has been seen to 404 POSTs).
MNB_URL = "http://www.mnb.hu/arfolyamok.asmx"


class HttpMnbClient:
    """One MNB rate service on a session the caller owns; each call one POST, no retries.

    `http` gives the session when a call is made (a worker's opens when the worker starts).
    """

    def __init__(
        self,
        http: Callable[[], aiohttp.ClientSession],
        url: str = MNB_URL,
        timeout_s: float = 10.0,
    ) -> None:
        self._http = http
        self._url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def exchange_rates(
        self, start: date, end: date, currencies: Iterable[str]
    ) -> list[PublishedRate]:
        """Rates published from start to end (publication days only), newest first."""
        envelope = exchange_rates_request(start, end, currencies)
        return published_rates(await self._call("GetExchangeRates", envelope))

    async def current_rates(self) -> list[PublishedRate]:
        """The last publication's rates, every currency (its day: not necessarily today's)."""
        envelope = request_envelope("GetCurrentExchangeRates")
        return published_rates(await self._call("GetCurrentExchangeRates", envelope))

    async def _call(self, operation: str, envelope: bytes) -> str:
        """POST one operation; the result's inner XML, or MnbUnavailable / MnbFault."""
        headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": soap_action(operation)}
        try:
            async with self._http().post(
                self._url, data=envelope, headers=headers, timeout=self._timeout
            ) as response:
                body = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise MnbUnavailable(f"MNB cannot be reached ({type(exc).__name__}: {exc})") from exc
        return _result(operation, status, body)


def _result(operation: str, status: int, body: bytes) -> str:
    """A fault is said as one (WCF sends it with 500); any other error status is an outage."""
    refused = 400 <= status < 500 or (status >= 500 and b"Fault>" not in body)
    if refused:
        raise MnbUnavailable(f"MNB answered {operation} with HTTP {status}")
    return result_text(body, operation)
