"""The shop's `/webHooks` through HttpShoprenterClient: paced and retried as every call."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.errors import ShoprenterNotFound
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.domain.webhooks import LABEL, ORDER_STATUS_CHANGE, ShopWebhook

#: A person waits for these calls (CLI, console): a few quick retries, not a worker's minute.
PERSON_WAITS = RetryPolicy(max_attempts=3, base_s=0.25, cap_s=2.0)


class HttpShoprenterWebhooks:
    """List, create, point and delete the shop's webhooks (api-notes §6.2, §10.5)."""

    def __init__(self, client: HttpShoprenterClient) -> None:
        self._client = client

    async def sign_in(self) -> None:
        await self._client.sign_in()

    async def list(self) -> list[ShopWebhook]:
        # /webHooks has no filters: every hook, full, 200 a page.
        return [read_webhook(item) async for item in self._client.iterate("webHooks")]

    async def create(self, url: str) -> None:
        # A POST is not resent after a lost answer; a duplicate it made is removed next time.
        await self._client.post("webHooks", order_status_body(url))

    async def update(self, hook_id: str, url: str) -> None:
        await self._client.put(f"webHooks/{hook_id}", order_status_body(url))

    async def delete(self, hook_id: str) -> None:
        with contextlib.suppress(ShoprenterNotFound):  # gone already
            await self._client.request("DELETE", self._client.url(f"webHooks/{hook_id}"))


@contextlib.asynccontextmanager
async def shop_webhooks(access: ShopAccess) -> AsyncIterator[HttpShoprenterWebhooks]:
    """The shop's webhooks over an HTTP session of their own, paced as every client."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
        yield HttpShoprenterWebhooks(HttpShoprenterClient(access, http, retry=PERSON_WAITS))


def order_status_body(url: str) -> dict[str, Any]:
    """The hook ShopSync wants: every field of the event, as JSON, sent at once, switched on."""
    return {
        "event": ORDER_STATUS_CHANGE,
        "status": "1",
        "label": LABEL,
        "webHookParameters": [{"type": "json", "url": url}],
    }


def read_webhook(item: dict[str, Any]) -> ShopWebhook:
    """A hook as the shop lists it; `webHookParameters` comes as an object or an array."""
    params = item.get("webHookParameters")
    first = params[0] if isinstance(params, list) and params else params
    url = first.get("url") if isinstance(first, dict) else None
    return ShopWebhook(
        hook_id=str(item.get("id", "")),
        event=str(item.get("event", "")),
        url=str(url or ""),
        active=str(item.get("status", "")) == "1",
    )
