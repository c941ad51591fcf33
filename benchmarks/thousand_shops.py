"""1,000 shops on one catalog worker and one stock worker, then on two of each.

Every shop downloads its catalog and its stock (into a warehouse of its own) once per
interval; the interval, 10 minutes in production, is compressed to INTERVAL_S for the run
(BENCH_INTERVAL_S). The sandbox serves all shops from this process, each with its own
3-requests-per-second budget. Reported per phase: shops synced once in each full interval
(catalog: the first page of /productExtend; stock: the first page of /products), the spread
of the cycle start times (most starts in any one second, against the even 1000/INTERVAL_S),
429s and the busiest second of any shop, and each worker's peak memory (VmHWM) and CPU
seconds. Baseline in the same run: the even spread itself — a tick schedule can do no better
than SHOPS / INTERVAL_S starts a second.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _process_stats import cpu_seconds, peak_memory_mb
from aiohttp import web
from cryptography.fernet import Fernet
from sqlalchemy import update

from devtools.sandbox.app import create_sandbox_app
from devtools.sandbox.catalog import add_products
from devtools.sandbox.store import SandboxWorld, Stats
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import ShopConnection, Warehouse
from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.support import create_pg_database, drop_pg_database, free_port

SHOPS = int(os.environ.get("BENCH_SHOPS", "1000"))
INTERVAL_S = float(os.environ.get("BENCH_INTERVAL_S", "60"))
INTERVALS = 2  # measured, after one to settle in
#: Workers per service in each phase (BENCH_PHASES=1 runs only the one-worker phase).
PHASES = [int(n) for n in os.environ.get("BENCH_PHASES", "1,2").split(",")]
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
JOBS = {
    "catalog-sync": ("productExtend", "CATALOG_SYNC_PORT"),
    "stock-sync": ("products", "STOCK_SYNC_PORT"),
}


async def connect_shops(url: str, cipher: CredentialCipher, world: SandboxWorld, base: str) -> None:
    """One connection per shop: catalog download, and stock download into its own warehouse."""
    await upgrade(url)
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        for n in range(SHOPS):
            shop = world.create_shop(f"t{n}")
            add_products(shop, [{"sku": f"T{n}", "name": "Tea", "price": "990", "taxRate": "18"}])
            connection = await add_connection(
                session,
                cipher,
                account=f"acct{n}",
                name=f"t{n}",
                path=f"t{n}",
                auth_kind="basic",
                api_user=shop.user,
                api_secret=shop.password,
                api_url=f"{base}/t{n}",
            )
            warehouse = Warehouse(account_id=connection.account_id, name="Fő")
            session.add(warehouse)
            await session.flush()
            apply_settings(
                connection,
                {
                    "products_download_enabled": True,
                    "stock_enabled": True,
                    "stock_mode": "download",
                    "stock_download_warehouse_id": warehouse.id,
                },
            )
        await session.flush()
        await session.execute(update(ShopConnection).values(products_interval_s=int(INTERVAL_S)))
        await session.commit()
    await engine.dispose()


def report(world: SandboxWorld, endpoint: str, start: float) -> tuple[bool, str]:
    """Shops synced once per interval (every gap between two cycles 0.8–1.2 intervals over the
    measured intervals, none missing), the extreme gaps, and the spread of the starts."""
    regular = 0
    gaps: list[float] = []
    starts: list[float] = []
    end = start + INTERVALS * INTERVAL_S + 2  # the phase ran 2 s past its last interval
    for shop in world.shops.values():
        cycles = sorted(t for t, e, page in shop.stats.page_times if e == endpoint and page == 0)
        measured = [t for t in cycles if start <= t < end]
        own = [b - a for a, b in itertools.pairwise(measured)]
        gaps += own
        edges = [measured[0] - start, end - measured[-1]] if measured else [INTERVAL_S * 2]
        regular += all(0.8 <= g / INTERVAL_S <= 1.2 for g in own) and max(edges) < 1.2 * INTERVAL_S
        starts += [t for t in cycles if start <= t < start + INTERVAL_S]
    per_second = Counter(int(t) for t in starts)
    text = (
        f"{regular}/{SHOPS} shops synced once per interval over {INTERVALS} intervals "
        f"(gaps between cycles {min(gaps, default=0):.1f}–{max(gaps, default=0):.1f} s); "
        f"cycle starts: at most {max(per_second.values(), default=0)} in a second "
        f"(even spread: {math.ceil(SHOPS / INTERVAL_S)})"
    )
    return regular == SHOPS, text


async def phase(world: SandboxWorld, env: dict[str, str], workers: int, work: Path) -> bool:
    """Run `workers` of each sync service for 1 + INTERVALS intervals; print what the shops saw."""
    for shop in world.shops.values():
        shop.stats = Stats()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for name, (_endpoint, port_name) in JOBS.items():
        for n in range(1, workers + 1):
            own = {**env, port_name: str(free_port()), "SHOPSYNC_WORKER": str(n)}
            with (work / f"{name}-{workers}-{n}.log").open("ab") as log:
                procs[f"{name}-{n}"] = subprocess.Popen(  # noqa: ASYNC220 (a quick fork)
                    [SHOPSYNC, name], env=own, stdout=log, stderr=log
                )
    try:
        while not any(shop.stats.requests for shop in world.shops.values()):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        await asyncio.sleep(INTERVAL_S)  # the first interval: joins, first full downloads
        start = time.time()
        await asyncio.sleep(INTERVALS * INTERVAL_S + 2)
        usage = {name: (peak_memory_mb(p.pid), cpu_seconds(p.pid)) for name, p in procs.items()}
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=30)
    ok = True
    print(f"== {workers} worker(s) per service, {SHOPS} shops, interval {INTERVAL_S:.0f} s")
    for name, (endpoint, _port) in JOBS.items():
        good, text = report(world, endpoint, start)
        ok &= good
        print(f"  {name}: {text}")
    stats = [shop.stats for shop in world.shops.values()]
    throttled = sum(s.by_status[429] for s in stats)
    busiest = max(s.max_per_second for s in stats)
    print(f"  429s: {throttled}; busiest second of any shop: {busiest} requests")
    for name, (memory, cpu) in usage.items():
        print(f"  {name}: peak memory {memory:.0f} MB, CPU {cpu:.0f} s over the run")
    return ok and throttled == 0 and busiest <= 3


async def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="thousand-"))
    world = SandboxWorld()
    runner = web.AppRunner(create_sandbox_app(world), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    db_name, url = await create_pg_database()
    key = Fernet.generate_key()
    broker_port = free_port()
    broker = start_broker(broker_port, work / "broker.log")
    bootstrap = f"127.0.0.1:{broker_port}"
    ensure_topics(bootstrap, topic_specs(12))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(work),
        "SYNC_TICK_INTERVAL_S": str(INTERVAL_S),
        "LOG_LEVEL": "WARNING",
    }
    try:
        started = time.monotonic()
        await connect_shops(url, CredentialCipher(key), world, f"http://127.0.0.1:{port}")
        print(f"{SHOPS} shops and connections made in {time.monotonic() - started:.0f} s")
        results = [await phase(world, env, workers, work) for workers in PHASES]
    finally:
        broker.terminate()
        broker.wait()
        await runner.cleanup()
        await drop_pg_database(db_name)
    print("PASS" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
