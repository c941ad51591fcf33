"""An incremental upload after 1 % of 20,000 products changed locally: exactly those go out.

The shop's 20,000 products are first downloaded (so nothing is owed to the shop); then 200
local products change (price or name); the upload cycle must write exactly those 200 to the
sandbox (counted by the sandbox itself) in one Batch API call, and nothing else.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select

from services.catalog_sync.download import CatalogDownloader
from services.catalog_sync.upload import CatalogUploader
from shopsync.db.engine import create_engine, session_factory
from shopsync.db.migrate import upgrade
from shopsync.db.models import Product
from shopsync.sandbox.app import create_sandbox_app
from shopsync.sandbox.catalog import add_products
from shopsync.sandbox.generator import catalog
from shopsync.sandbox.store import SandboxWorld
from shopsync.secrets import CredentialCipher
from shopsync.shoprenter.client import HttpShoprenterClient
from shopsync.shoprenter.credentials import ShopAccess
from shopsync.shoprenter.ratelimit import ShopRateLimiter
from shopsync.shops import add_connection, apply_settings

PRODUCTS = 20_000


async def main() -> int:
    world = SandboxWorld()
    shop = world.create_shop("bench")
    add_products(shop, catalog(random.Random(9), PRODUCTS))
    server = TestServer(create_sandbox_app(world), host="127.0.0.1")
    await server.start_server()
    url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    await upgrade(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await add_connection(
            session,
            CredentialCipher(Fernet.generate_key()),
            account="bench",
            name="bench",
            path="bench",
            auth_kind="basic",
            api_user="u",
            api_secret="p",
        )
        apply_settings(
            connection, {"products_download_enabled": True, "products_upload_enabled": True}
        )
        await session.commit()
        cid, aid = connection.id, connection.account_id
    access = ShopAccess(
        "bench",
        "basic",
        shop.user,
        SecretStr(shop.password),
        api_url=f"{str(server.make_url('')).rstrip('/')}/bench",
    )
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
    await engine.dispose()
    await server.close()
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
