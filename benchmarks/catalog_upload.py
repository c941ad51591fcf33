"""An incremental upload after 1 % of 20,000 products changed locally: exactly those go out.

The shop's 20,000 products are first downloaded (so nothing is owed to the shop); then 200
local products change (price or name); the upload cycle must write exactly those 200 to the
sandbox (counted by the sandbox itself) in one Batch API call, and nothing else.
"""

from __future__ import annotations

import asyncio
import random
import time

import aiohttp
from _catalog_bench import catalog_bench
from sqlalchemy import select

from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.upload import CatalogUploader
from shopsync.adapters.db.models import Product
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter

PRODUCTS = 20_000


async def main() -> int:
    bench = await catalog_bench(
        PRODUCTS, 9, products_download_enabled=True, products_upload_enabled=True
    )
    shop, sessions, access = bench.shop, bench.sessions, bench.access
    cid, aid = bench.connection_id, bench.account_id
    downloader = CatalogDownloader(sessions)
    async with aiohttp.ClientSession() as http:
        client = HttpShoprenterClient(access, http, limiter=ShopRateLimiter())
        await downloader.run(cid, client)
        writes_before = dict(shop.stats.written_skus)
        requests_before, batches_before = shop.stats.requests, shop.stats.batch_calls
        rng = random.Random(4)
        async with sessions() as session:
            products = (
                (await session.execute(select(Product).where(Product.account_id == aid)))
                .scalars()
                .all()
            )
            changed = rng.sample(products, PRODUCTS // 100)
            for product in changed:
                product.net_price += 1
            await session.commit()
            changed_skus = {p.sku for p in changed}
        started = time.perf_counter()
        report = await CatalogUploader(sessions).run(cid, client)
        elapsed = time.perf_counter() - started
    await bench.close()
    written = {sku for sku, n in shop.stats.written_skus.items() if n > writes_before.get(sku, 0)}
    print(f"products: {PRODUCTS}; changed locally: {len(changed_skus)}")
    print(
        f"uploaded (sandbox's count): {len(written)}; exactly the changed ones: "
        f"{written == changed_skus}; reported overwritten: {report.overwritten}, "
        f"failed: {len(report.failed)}"
    )
    print(
        f"requests for the cycle:     {shop.stats.requests - requests_before} "
        f"({shop.stats.batch_calls - batches_before} batch calls); {elapsed:.1f} s"
    )
    ok = written == changed_skus and not report.failed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
