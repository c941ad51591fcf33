"""First catalog download of 20,000 products vs what 3 requests/s allows, stopped halfway.

The download is stopped after half its pages (as a kill would stop it: every finished page is
committed) and started again; it must resume, not start over. Budget: the requests it needs
(product pages + category pages) at 3 requests/s; target ≤ 1.15× that, in the same run.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from _catalog_bench import catalog_bench
from sqlalchemy import func, select

from services.catalog_sync.download import CatalogDownloader
from shopsync.adapters.db.models import Product
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter

PRODUCTS = 20_000
TARGET = 1.15


async def main() -> int:
    bench = await catalog_bench(PRODUCTS, 9, products_download_enabled=True)
    shop, sessions, access = bench.shop, bench.sessions, bench.access
    cid, aid = bench.connection_id, bench.account_id
    downloader = CatalogDownloader(sessions)
    async with aiohttp.ClientSession() as http:
        limiter = ShopRateLimiter()
        started = time.perf_counter()
        first = await downloader.run(
            cid, HttpShoprenterClient(access, http, limiter=limiter), max_pages=PRODUCTS // 200 // 2
        )
        second = await downloader.run(cid, HttpShoprenterClient(access, http, limiter=limiter))
        elapsed = time.perf_counter() - started
    async with sessions() as session:
        stored = await session.scalar(
            select(func.count()).select_from(Product).where(Product.account_id == aid)
        )
    await bench.close()
    requests = shop.stats.requests
    budget = (requests - 1) / 3
    ratio = elapsed / budget
    print(f"products in the shop:      {PRODUCTS}; stored: {stored}")
    print(
        f"pages before the stop:     {first.pages}; after restart: {second.pages} "
        f"(resumed, not restarted: {first.pages + second.pages == PRODUCTS // 200})"
    )
    print(
        f"requests:                  {requests} (429s: {shop.stats.throttled}, "
        f"max in any 1 s: {shop.stats.max_per_second})"
    )
    print(f"budget at 3 req/s:         {budget:.1f} s")
    print(f"took:                      {elapsed:.1f} s → {ratio:.3f}× (target ≤ {TARGET}×)")
    ok = stored == PRODUCTS and ratio <= TARGET and first.pages + second.pages == PRODUCTS // 200
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
