"""Shared set-up of the catalog benchmarks: a sandbox shop with a catalog and a connection."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from devtools.sandbox.app import create_sandbox_app
from devtools.sandbox.catalog import add_products
from devtools.sandbox.generator import catalog
from devtools.sandbox.store import SandboxShop, SandboxWorld
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.service_layer.shops import add_connection, apply_settings


@dataclass
class CatalogBench:
    shop: SandboxShop
    server: TestServer
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    connection_id: int
    account_id: int
    access: ShopAccess

    async def close(self) -> None:
        await self.engine.dispose()
        await self.server.close()


async def catalog_bench(products: int, seed: int, **settings: Any) -> CatalogBench:
    """A sandbox shop holding `products` products and a SQLite account connected to it."""
    world = SandboxWorld()
    shop = world.create_shop("bench")
    add_products(shop, catalog(random.Random(seed), products))
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
        apply_settings(connection, settings)
        await session.commit()
        cid, aid = connection.id, connection.account_id
    access = ShopAccess(
        "bench",
        "basic",
        shop.user,
        SecretStr(shop.password),
        api_url=f"{str(server.make_url('')).rstrip('/')}/bench",
    )
    return CatalogBench(shop, server, engine, sessions, cid, aid, access)
