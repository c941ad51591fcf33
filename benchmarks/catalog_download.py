"""First catalog download of 20,000 products vs what 3 requests/s allows, stopped halfway.

The download is stopped after half its pages (as a kill would stop it: every finished page is
committed) and started again; it must resume, not start over. Budget: the requests it needs
(product pages + category pages) at 3 requests/s; target ≤ 1.15× that, in the same run.
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
from sqlalchemy import func, select

from services.catalog_sync.download import CatalogDownloader
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
TARGET = 1.15


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
        apply_settings(connection, {"products_download_enabled": True})
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
    await engine.dispose()
    await server.close()
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
