"""Downloading 10,000 products through the client vs the minimum 3 requests/s allows.

Pages of 200 → 50 requests. At 3 requests/s the fastest legal schedule starts request k at
k/3 s, so the last starts at 49/3 s; the minimum is that plus one request's latency, measured
in the same run against the same sandbox. Target: at most 1.1× the minimum.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from devtools.sandbox.app import create_sandbox_app
from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from devtools.sandbox.store import SandboxWorld
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter

PRODUCTS = 10_000
PAGE = 200
TARGET = 1.10


async def main() -> int:
    import random

    world = SandboxWorld()
    shop = world.create_shop("bench")
    add_products(shop, catalog(random.Random(1), PRODUCTS))
    server = TestServer(create_sandbox_app(world), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    access = ShopAccess(
        "bench", "basic", shop.user, SecretStr(shop.password), api_url=f"{base}/bench"
    )
    async with aiohttp.ClientSession() as http:
        # Baseline, same run: one full page fetched alone (no waiting on the limiter).
        probe = HttpShoprenterClient(access, http, limiter=ShopRateLimiter())
        started = time.perf_counter()
        await probe.get("products", {"full": 1, "limit": PAGE, "page": 0})
        page_latency = time.perf_counter() - started
        shop.stats.requests = 0
        shop.stats.max_per_second = 0
        await asyncio.sleep(1.1)

        client = HttpShoprenterClient(access, http, limiter=ShopRateLimiter())
        started = time.perf_counter()
        count = sum([1 async for _ in client.iterate("products")])
        elapsed = time.perf_counter() - started
    await server.close()
    requests = PRODUCTS // PAGE
    minimum = (requests - 1) / 3 + page_latency
    ratio = elapsed / minimum
    print(f"products downloaded:       {count}")
    print(f"requests:                  {shop.stats.requests} (429s: {shop.stats.throttled})")
    print(f"max requests in any 1 s:   {shop.stats.max_per_second}")
    print(f"one page alone:            {page_latency * 1000:.0f} ms")
    print(f"minimum at 3 req/s:        {minimum:.2f} s")
    print(
        f"client took:               {elapsed:.2f} s  → {ratio:.3f}× the minimum "
        f"(target ≤ {TARGET}×)"
    )
    ok = count == PRODUCTS and ratio <= TARGET and shop.stats.max_per_second <= 3
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
