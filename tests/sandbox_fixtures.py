"""A real sandbox server on a free port, and clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from devtools.sandbox.app import create_sandbox_app
from devtools.sandbox.store import SandboxShop, SandboxWorld
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter
from tests.support import unique


@dataclass
class Sandbox:
    world: SandboxWorld
    url: str

    def shop(self, **options: Any) -> SandboxShop:
        return self.world.create_shop(unique("shop"), **options)

    def basic(self, shop: SandboxShop, password: str | None = None) -> ShopAccess:
        return ShopAccess(
            shop.name,
            "basic",
            shop.user,
            SecretStr(password or shop.password),
            api_url=f"{self.url}/{shop.name}",
        )

    def point(self, connection: Any, shop: SandboxShop, cipher: Any) -> None:
        """Make a stored ShopConnection talk to `shop` on this sandbox (Basic auth)."""
        connection.api_user = shop.user
        connection.api_secret_encrypted = cipher.encrypt(shop.password)
        connection.api_url = f"{self.url}/{shop.name}"

    def oauth(self, shop: SandboxShop, secret: str | None = None) -> ShopAccess:
        return ShopAccess(
            shop.name,
            "oauth",
            shop.client_id,
            SecretStr(secret or shop.client_secret),
            api_url=f"{self.url}/{shop.name}/api",
            token_url=f"{self.url}/oauth/{shop.name}/app/token",
        )


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    world = SandboxWorld()
    server = TestServer(create_sandbox_app(world), host="127.0.0.1")
    await server.start_server()
    yield Sandbox(world, str(server.make_url("")).rstrip("/"))
    await server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


def client_for(access: ShopAccess, http: aiohttp.ClientSession) -> HttpShoprenterClient:
    # A fresh limiter per test: tests must not slow each other down through the registry.
    return HttpShoprenterClient(access, http, limiter=ShopRateLimiter())
