"""An async Shoprenter API client: auth, pacing, retries, pagination and the Batch API."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from shopsync.adapters.shoprenter.auth import Authenticator
from shopsync.adapters.shoprenter.batch import (
    BATCH_LIMIT,
    BatchRequest,
    BatchResult,
    batch_results,
    ids_by_sku,
)
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.errors import ShoprenterError, ShoprenterUnavailable
from shopsync.adapters.shoprenter.ratelimit import PROCESS_LIMITERS, RequestPacer
from shopsync.adapters.shoprenter.responses import body_or_error, href, json_or_text, page_items
from shopsync.adapters.shoprenter.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["PAGE_LIMIT", "BatchRequest", "BatchResult", "ClientStats", "HttpShoprenterClient"]

log = logging.getLogger(__name__)
PAGE_LIMIT = 200
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})
Answer = tuple[int, Any, float | None]  # (status, body, Retry-After seconds)


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class HttpShoprenterClient:
    """One shop's API. Share the aiohttp session; the limiter is per shop (PROCESS_LIMITERS)."""

    def __init__(
        self,
        access: ShopAccess,
        http: aiohttp.ClientSession,
        limiter: RequestPacer | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        on_throttled: Callable[[], object] | None = None,
    ) -> None:
        self.access = access
        self._http = http
        self._limiter = limiter or PROCESS_LIMITERS.for_shop(access.path)
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._auth = Authenticator(access, http)
        self.stats = ClientStats()
        self._on_throttled = on_throttled  # told of every 429 answer (a metric)

    @property
    def tokens_fetched(self) -> int:
        return self._auth.tokens_fetched

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        absolute = path.startswith(("http://", "https://"))
        base = path if absolute else f"{self.access.base_url}/{path.lstrip('/')}"
        return f"{base}?{urlencode(params)}" if params else base

    async def sign_in(self) -> None:
        """Get the Authorization now (an OAuth token); ShoprenterAuthError when refused."""
        await self._auth.header()

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self.request("GET", self.url(path, params))

    async def put(self, path: str, data: dict[str, Any]) -> Any:
        return await self.request("PUT", self.url(path), data)

    async def post(self, path: str, data: dict[str, Any]) -> Any:
        return await self.request("POST", self.url(path), data)

    async def iterate(
        self, resource: str, params: dict[str, Any] | None = None, limit: int = PAGE_LIMIT
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a collection, full objects, page by page following `next`."""
        query = {**(params or {}), "full": 1, "page": 0, "limit": min(limit, PAGE_LIMIT)}
        url: str | None = self.url(resource, query)
        while url:
            page = await self.request("GET", url)
            if not isinstance(page, dict):
                raise ShoprenterError(self.access.path, f"{resource}: unexpected page shape")
            for item in page_items(page):
                yield item
            url = href(page.get("next"))

    async def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResult]:
        """Run sub-requests in batches of 200, one batch after another; check each status.

        A batch whose answer is lost is sent again only when every sub-request is idempotent:
        a create (POST) the shop may already have applied is left to the caller, who looks
        the SKUs up first (ShoprenterUnavailable is raised instead).
        """
        results: list[BatchResult] = []
        for start in range(0, len(requests), BATCH_LIMIT):
            results.extend(await self._one_batch(requests[start : start + BATCH_LIMIT]))
        return results

    async def _one_batch(self, chunk: Sequence[BatchRequest]) -> list[BatchResult]:
        """One Batch API call, resent after a lost answer only if all of it is idempotent."""
        payload = {"data": {"requests": [self._batch_item(r) for r in chunk]}}
        idempotent = all(r.method in IDEMPOTENT for r in chunk)
        answer = await self.request("POST", self.url("batch"), payload, retry_writes=idempotent)
        return batch_results(chunk, answer)

    async def find_product_ids(self, skus: Sequence[str]) -> dict[str, str]:
        """Product ids by SKU, looked up in batches; `?sku=` is checked for an exact match."""
        if not skus:
            return {}
        lookups = [BatchRequest("GET", f"products?sku={quote(sku)}&full=1&limit=1") for sku in skus]
        return ids_by_sku(skus, await self.batch(lookups))

    def _batch_item(self, request: BatchRequest) -> dict[str, Any]:
        item: dict[str, Any] = {"method": request.method, "uri": self.url(request.uri)}
        if request.data is not None:
            item["data"] = request.data
        return item

    async def request(
        self, method: str, url: str, data: Any = None, retry_writes: bool = False
    ) -> Any:
        """One call, paced and retried; typed errors when it cannot succeed."""
        resendable = method in IDEMPOTENT or retry_writes
        attempt, renewed = 0, False
        while True:
            attempt += 1
            answer = await self._try_send(method, url, data, resendable, attempt)
            if answer is None:
                continue
            status, body, retry_after = answer
            if status == 401 and self._renew_token(renewed):
                renewed = True
                continue
            if not self._resends(status, resendable, attempt):
                return body_or_error(self.access.path, method, url, status, body)
            await self._wait(attempt, retry_after)

    async def _try_send(
        self, method: str, url: str, data: Any, resendable: bool, attempt: int
    ) -> Answer | None:
        """The answer, or None when the connection failed and the call is to be sent again."""
        await self._limiter.acquire()
        try:
            return await self._send(method, url, data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            if resendable and attempt < self._retry.max_attempts:
                await self._wait(attempt, None)
                return None
            raise ShoprenterUnavailable(self.access.path, f"{method} failed: {exc!r}") from exc

    def _renew_token(self, renewed: bool) -> bool:
        """After a 401, drop the OAuth token once: it expired early or was revoked."""
        if renewed or self.access.auth_kind != "oauth":
            return False
        self._auth.invalidate()
        return True

    def _resends(self, status: int, resendable: bool, attempt: int) -> bool:
        # A refusal (429, 503) applied nothing; after 500/502/504 a write may have landed.
        resend = resendable or status in (429, 503)
        return status in RETRYABLE_STATUSES and resend and attempt < self._retry.max_attempts

    async def _send(self, method: str, url: str, data: Any) -> Answer:
        headers = {"Accept": "application/json", "Authorization": await self._auth.header()}
        self.stats.requests += 1
        async with self._http.request(method, url, json=data, headers=headers) as response:
            text = await response.text()
            self.stats.statuses[response.status] = self.stats.statuses.get(response.status, 0) + 1
            if response.status == 429:  # counted whether or not it is retried
                self._throttled()
            body = json_or_text(text)
            return response.status, body, parse_retry_after(response.headers.get("Retry-After"))

    def _throttled(self) -> None:
        self.stats.throttled += 1
        if self._on_throttled is not None:
            self._on_throttled()

    async def _wait(self, attempt: int, retry_after: float | None) -> None:
        self.stats.retries += 1
        delay = self._retry.delay(attempt, retry_after, self._rng)
        self._limiter.pause(delay)  # every task of this shop waits, not just this one
        await asyncio.sleep(delay)
