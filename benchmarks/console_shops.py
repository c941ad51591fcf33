"""The console's shops page with 1,000 connections: server time per page (target < 300 ms).

A throwaway PostgreSQL database gets 1,000 connections (each with stock sync's state, a
tenth with held orders, dead letters, order events and a failing stock cycle), the console is
served on loopback, an admin logs in, and the page is fetched 30 times after 3 warm-ups; each
time is measured inside the server (a middleware around the handler) and on the wire.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession, CookieJar, web
from aiohttp.typedefs import Handler
from cryptography.fernet import Fernet

from services.console.app import create_app
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import DeadLetterRow, HeldOrder, OrderStateRow, StockSyncState
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.operators import add_operator
from shopsync.service_layer.shops import add_connection
from tests.console.console_client import CSRF
from tests.support import create_pg_database, drop_pg_database, env_settings, free_port

SHOPS, RUNS, TARGET_MS = 1000, 30, 300.0
PASSWORD = "benchmark password 1"
server_ms: list[float] = []


async def seed(url: str, key: bytes) -> None:
    sessions = session_factory(engine := create_engine(url))
    async with sessions() as db:
        await add_operator(db, "bench@example.hu", "admin", PASSWORD)
        for n in range(SHOPS):
            connection = await add_connection(
                db,
                CredentialCipher(key),
                account=f"acct-{n % 50}",
                name=f"shop-{n:04d}",
                path=f"shop{n}",
                auth_kind="basic",
                api_user="u",
                api_secret="s",
            )
            db.add(_stock_state(connection.id, failing=n % 10 == 0))
            if n % 10 == 0:
                _troubles(db, connection.id, n)
        await db.commit()
    await engine.dispose()


def _stock_state(connection_id: int, failing: bool) -> StockSyncState:
    now = datetime.now(UTC)
    return StockSyncState(
        connection_id=connection_id,
        owed_skus=12 if failing else 0,
        push_at=now,
        cycle_kind="reconcile",
        cycle_at=now,
        cycle_seconds=1.5,
        cycle_error="shop answered 503" if failing else None,
    )


def _troubles(db: Any, connection_id: int, n: int) -> None:
    now = datetime.now(UTC)
    db.add(OrderStateRow(connection_id=connection_id, order_ref=f"o{n}", state={}, updated_at=now))
    db.add(
        HeldOrder(
            connection_id=connection_id,
            order_ref=f"o{n}",
            event_id=f"h{n}",
            status_id="1",
            field="quantity",
            value="-5",
            reason="negative",
            event="{}",
        )
    )
    db.add(
        DeadLetterRow(
            event_id=f"d{n}",
            consumer="order-processor",
            source_topic="t",
            source_partition=0,
            source_offset=n,
            key=f"{connection_id}:o{n}",
            payload="{}",
            reason="bad",
        )
    )


@web.middleware
async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
    start = time.perf_counter()
    response = await handler(request)
    if request.path == "/shops":
        server_ms.append((time.perf_counter() - start) * 1000)
    return response


async def measure(base: str) -> list[float]:
    wire: list[float] = []
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        found = CSRF.search(await (await http.get(f"{base}/login")).text())
        assert found is not None
        token = found.group(1)
        await http.post(
            f"{base}/login", data={"csrf": token, "email": "bench@example.hu", "password": PASSWORD}
        )
        for run in range(RUNS + 3):
            start = time.perf_counter()
            async with http.get(f"{base}/shops") as response:
                body = await response.text()
                assert response.status == 200 and body.count("<tr") > SHOPS, response.status
            if run >= 3:
                wire.append((time.perf_counter() - start) * 1000)
    return wire


async def main() -> int:
    name, url = await create_pg_database()
    try:
        await upgrade(url)
        key = Fernet.generate_key()
        await seed(url, key)
        settings = env_settings(DATABASE_URL=url, SHOPSYNC_SECRET_KEY=key.decode())
        app = create_app(settings, os.urandom(32))
        app.middlewares.insert(0, timed)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        wire = await measure(f"http://127.0.0.1:{port}")
        await runner.cleanup()
    finally:
        await drop_pg_database(name)
    served = server_ms[3:]
    median, p95 = statistics.median(served), sorted(served)[int(len(served) * 0.95) - 1]
    print(
        f"shops page, {SHOPS} connections: server median {median:.0f} ms, p95 {p95:.0f} ms; "
        f"on the wire median {statistics.median(wire):.0f} ms (target < {TARGET_MS:.0f} ms)"
    )
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
