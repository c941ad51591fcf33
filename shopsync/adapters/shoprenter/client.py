"""An async Shoprenter API client: auth, pacing, retries, pagination and the Batch API."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from shopsync.adapters.shoprenter.auth import Authenticator
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.errors import (
    ShoprenterAuthError,
    ShoprenterError,
    ShoprenterNotFound,
    ShoprenterRateLimited,
    ShoprenterUnavailable,
    ShoprenterValidationError,
)
from shopsync.adapters.shoprenter.ratelimit import PROCESS_LIMITERS, ShopRateLimiter
from shopsync.adapters.shoprenter.retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)
PAGE_LIMIT = 200
BATCH_LIMIT = 200
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})


@dataclass(frozen=True)
class BatchRequest:
    method: str
    uri: str  # absolute, or a path that the client prefixes with the shop's base URL
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class BatchResult:
    request: BatchRequest
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason(self) -> str:
        if isinstance(self.body, dict):
            return str(self.body.get("message") or self.body.get("error") or self.body)
        return str(self.body)


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class HttpShoprenterClient:
    """One shop's API. Share the aiohttp session; the rate limiter is per shop and process."""

    def __init__(
        self,
        access: ShopAccess,
        http: aiohttp.ClientSession,
        limiter: ShopRateLimiter | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.access = access
        self._http = http
        self._limiter = limiter or PROCESS_LIMITERS.for_shop(access.path)
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._auth = Authenticator(access, http)
        self.stats = ClientStats()

    @property
    def tokens_fetched(self) -> int:
        return self._auth.tokens_fetched

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        base = (
            path
            if path.startswith(("http://", "https://"))
            else (f"{self.access.base_url}/{path.lstrip('/')}")
        )
        return f"{base}?{urlencode(params)}" if params else base

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
            items = page.get("items")
            for item in items if isinstance(items, list) else ([items] if items else []):
                if isinstance(item, dict):
                    yield item
            url = _href(page.get("next"))

    async def batch(self, requests: Sequence[BatchRequest]) -> list[BatchResult]:
        """Run sub-requests in batches of 200, one batch after another; check each status.

        A batch whose answer is lost is sent again only when every sub-request is idempotent:
        a create (POST) the shop may already have applied is left to the caller, who looks
        the SKUs up first (ShoprenterUnavailable is raised instead).
        """
        results: list[BatchResult] = []
        for start in range(0, len(requests), BATCH_LIMIT):
            chunk = requests[start : start + BATCH_LIMIT]
            payload = {"data": {"requests": [self._batch_item(r) for r in chunk]}}
            idempotent = all(r.method in IDEMPOTENT for r in chunk)
            answer = await self.request("POST", self.url("batch"), payload, retry_writes=idempotent)
            results.extend(self._batch_results(chunk, answer))
        return results

    async def find_product_ids(self, skus: Sequence[str]) -> dict[str, str]:
        """Product ids by SKU, looked up in batches; `?sku=` is checked for an exact match."""
        if not skus:
            return {}
        results = await self.batch(
            [BatchRequest("GET", f"products?sku={quote(sku)}&full=1&limit=1") for sku in skus]
        )
        found: dict[str, str] = {}
        for sku, result in zip(skus, results, strict=True):
            body = result.body if result.ok and isinstance(result.body, dict) else {}
            for item in body.get("items") or []:
                if isinstance(item, dict) and item.get("sku") == sku:
                    found[sku] = str(item.get("id"))
        return found

    def _batch_item(self, request: BatchRequest) -> dict[str, Any]:
        item: dict[str, Any] = {"method": request.method, "uri": self.url(request.uri)}
        if request.data is not None:
            item["data"] = request.data
        return item

    def _batch_results(self, chunk: Sequence[BatchRequest], answer: Any) -> list[BatchResult]:
        entries = answer.get("requests", {}) if isinstance(answer, dict) else {}
        listed = entries.get("request", []) if isinstance(entries, dict) else entries
        listed = listed if isinstance(listed, list) else [listed]
        results = []
        for position, request in enumerate(chunk):
            entry = listed[position] if position < len(listed) else {}
            response = entry.get("response", {}) if isinstance(entry, dict) else {}
            header = response.get("header", {}) if isinstance(response, dict) else {}
            try:
                status = int(header.get("statusCode", 0))
            except (TypeError, ValueError):
                status = 0
            results.append(BatchResult(request, status, response.get("body")))
        return results

    async def request(
        self, method: str, url: str, data: Any = None, retry_writes: bool = False
    ) -> Any:
        """One call, paced and retried; typed errors when it cannot succeed."""
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            await self._limiter.acquire()
            try:
                status, body, retry_after = await self._send(method, url, data)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if (method in IDEMPOTENT or retry_writes) and attempt < self._retry.max_attempts:
                    await self._wait(attempt, None)
                    continue
                raise ShoprenterUnavailable(self.access.path, f"{method} failed: {exc!r}") from exc
            if status == 401 and self.access.auth_kind == "oauth" and not renewed:
                self._auth.invalidate()  # the token expired early or was revoked: once more
                renewed = True
                continue
            # A refusal (429, 503) applied nothing; after 500/502/504 a write may have landed.
            resend = method in IDEMPOTENT or retry_writes or status in (429, 503)
            if status in RETRYABLE_STATUSES and resend and attempt < self._retry.max_attempts:
                if status == 429:
                    self.stats.throttled += 1
                await self._wait(attempt, retry_after)
                continue
            return self._result(method, url, status, body)

    async def _send(self, method: str, url: str, data: Any) -> tuple[int, Any, float | None]:
        headers = {"Accept": "application/json", "Authorization": await self._auth.header()}
        self.stats.requests += 1
        async with self._http.request(method, url, json=data, headers=headers) as response:
            text = await response.text()
            self.stats.statuses[response.status] = self.stats.statuses.get(response.status, 0) + 1
            body = _json_or_text(text)
            return response.status, body, parse_retry_after(response.headers.get("Retry-After"))

    async def _wait(self, attempt: int, retry_after: float | None) -> None:
        self.stats.retries += 1
        delay = self._retry.delay(attempt, retry_after, self._rng)
        self._limiter.pause(delay)  # every task of this shop waits, not just this one
        await asyncio.sleep(delay)

    def _result(self, method: str, url: str, status: int, body: Any) -> Any:
        if 200 <= status < 300:
            return body
        message = _message(body)
        inner = _inner_code(body)
        what = f"{method} {url.split('?')[0].rsplit('/', 2)[-2:][0]} → {status} {message}".strip()
        shop = self.access.path
        if status in (401, 403):
            raise ShoprenterAuthError(shop, f"credentials refused ({status})", status, inner)
        if status == 404:
            raise ShoprenterNotFound(shop, what, status, inner)
        if status == 429:
            raise ShoprenterRateLimited(shop, "still rate limited after retries", status)
        if 400 <= status < 500:
            raise ShoprenterValidationError(shop, what, status, inner)
        raise ShoprenterUnavailable(shop, what, status, inner)


def _href(link: Any) -> str | None:
    if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
        return str(link["href"])
    return None


def _json_or_text(text: str) -> Any:
    import json

    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text[:500]


def _message(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error_description") or "")[:300]
    return str(body or "")[:300]


def _inner_code(body: Any) -> int | None:
    if isinstance(body, dict):
        for key in ("code", "innerCode", "errorCode"):
            try:
                return int(body[key])
            except (KeyError, TypeError, ValueError):
                continue
    return None
