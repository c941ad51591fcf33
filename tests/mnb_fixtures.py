"""A real MNB sandbox server on a free port, and a client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from devtools.mnb_sandbox.app import create_mnb_sandbox_app
from devtools.mnb_sandbox.table import MnbRateTable
from shopsync.adapters.mnb.client import HttpMnbClient


@dataclass
class MnbSandbox:
    table: MnbRateTable
    url: str
    http: aiohttp.ClientSession

    def client(self, timeout_s: float = 5.0) -> HttpMnbClient:
        return HttpMnbClient(lambda: self.http, self.url, timeout_s)


@pytest.fixture
async def mnb_sandbox() -> AsyncIterator[MnbSandbox]:
    table = MnbRateTable()
    server = TestServer(create_mnb_sandbox_app(table), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            yield MnbSandbox(table, str(server.make_url("/arfolyamok.asmx")), http)
    finally:
        await server.close()
