"""A console visitor over real HTTP: its own cookie jar and loopback source address, the CSRF
token read off each form."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientResponse, ClientSession, CookieJar, TCPConnector

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Visitor:
    """One browser's worth of cookies against one console."""

    base: str
    address: str = "127.0.0.1"  # the console throttles failed logins per caller address
    http: ClientSession = field(init=False)

    def __post_init__(self) -> None:
        connector = TCPConnector(local_addr=(self.address, 0))
        self.http = ClientSession(connector=connector, cookie_jar=CookieJar(unsafe=True))

    async def get(self, path: str) -> tuple[int, str, ClientResponse]:
        async with self.http.get(self.base + path, allow_redirects=False) as response:
            return response.status, await response.text(errors="replace"), response

    async def post(self, path: str, data: dict[str, Any]) -> tuple[int, str, ClientResponse]:
        async with self.http.post(self.base + path, data=data, allow_redirects=False) as response:
            return response.status, await response.text(errors="replace"), response

    async def token(self, path: str = "/login") -> str:
        """The CSRF token of the forms on `path`."""
        _, body, _ = await self.get(path)
        found = CSRF.search(body)
        assert found, f"no form with a CSRF token on {path}"
        return found.group(1)

    async def log_in(self, email: str, password: str) -> tuple[int, str, ClientResponse]:
        token = await self.token("/login")
        return await self.post("/login", {"csrf": token, "email": email, "password": password})

    def cookie(self) -> str:
        """The session cookie's value as the browser holds it."""
        return next((c.value for c in self.http.cookie_jar if c.key == "shopsync_console"), "")

    async def close(self) -> None:
        await self.http.close()


def loopback_address() -> str:
    """A loopback address of its own (all of 127/8 reaches a server on 127.0.0.1), so that
    failed logins kept in the shared test database slow only the test that made them."""
    return "127." + ".".join(str(random.randint(1, 254)) for _ in range(3))
