"""The console on a real HTTP server over PostgreSQL, with an admin, a viewer and a shop."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet

from devtools.sandbox.store import SandboxShop
from services.console.app import create_app
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.login_throttle import LoginThrottle
from shopsync.service_layer.operators import add_operator
from shopsync.service_layer.shops import add_connection
from tests.console.console_client import Visitor, loopback_address
from tests.sandbox_fixtures import Sandbox
from tests.support import env_settings, unique

PASSWORD = "correct horse battery staple"
SHOP_SECRET = "shop-api-secret-7Hq2"  # must never appear in a page
PUBLIC_BASE = "https://shopsync.example"


@dataclass
class Console:
    """A running console and what the tests know about its data."""

    url: str
    sessions: Any
    admin: str
    viewer: str
    shop_id: int
    shop_name: str
    visitors: list[Visitor]
    shop: SandboxShop
    address: str = field(default_factory=loopback_address)  # its visitors' (see Visitor)

    def visitor(self, address: str | None = None) -> Visitor:
        visitor = Visitor(self.url, address or self.address)
        self.visitors.append(visitor)
        return visitor

    async def logged_in(self, email: str) -> Visitor:
        visitor = self.visitor()
        status, _, _ = await visitor.log_in(email, PASSWORD)
        assert status == 303
        return visitor


async def seed(
    sessions: Any, cipher: CredentialCipher, sandbox: Sandbox, remote: SandboxShop
) -> tuple[str, str, int, str]:
    """An admin, a viewer and one shop connection of a fresh account, to a sandbox shop."""
    admin, viewer, shop = (
        unique("admin-") + "@example.hu",
        unique("viewer-") + "@example.hu",
        unique("shop-"),
    )
    async with sessions() as db:
        await add_operator(db, admin, "admin", PASSWORD)
        await add_operator(db, viewer, "viewer", PASSWORD)
        connection = await add_connection(
            db,
            cipher,
            account=unique("acct-"),
            name=shop,
            path="demo",
            auth_kind="basic",
            api_user=remote.user,
            api_secret=SHOP_SECRET,
            api_url=f"{sandbox.url}/{remote.name}",
        )
        await db.commit()
        return admin, viewer, connection.id, shop


ConsoleFactory = Callable[..., Any]


@pytest.fixture
async def console(pg_database_url: str, sandbox: Sandbox) -> AsyncIterator[Console]:
    """The console with a throttle that allows 3 failures before it waits; its shop is in
    the sandbox (the API password is SHOP_SECRET)."""
    key = Fernet.generate_key()
    settings = env_settings(
        DATABASE_URL=pg_database_url,
        SHOPSYNC_SECRET_KEY=key.decode(),
        PUBLIC_BASE_URL=PUBLIC_BASE,
    )
    engine = create_engine(pg_database_url)
    sessions = session_factory(engine)
    sandbox_shop = sandbox.shop(password=SHOP_SECRET)
    admin, viewer, shop_id, shop = await seed(
        sessions, CredentialCipher(key), sandbox, sandbox_shop
    )
    app = create_app(settings, os.urandom(32), throttle=LoginThrottle(free=3))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    running = Console(url, sessions, admin, viewer, shop_id, shop, [], sandbox_shop)
    yield running
    for visitor in running.visitors:
        await visitor.close()
    await server.close()
    await engine.dispose()
