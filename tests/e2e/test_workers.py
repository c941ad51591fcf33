"""Two order processors in one consumer group: they share the partitions, and when one is
killed with kill -9 under load the survivor takes them all and every order gets one invoice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Document
from shopsync.adapters.secrets import CredentialCipher
from tests.e2e.conftest import Databases, Processes, service_env
from tests.e2e.test_order_flow import post_order, wait_ready
from tests.support import database_with_connection, wait_until

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
ORDERS = 600
PARTITIONS = 4


def assigned(port: str) -> int:
    """Partitions the worker holds, as its /readyz says (0 while it is not ready)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            return int(json.loads(answer.read()).get("partitions", 0))
    except (OSError, urllib.error.HTTPError, ValueError):
        return 0


def invoices(url: str) -> Counter[str]:
    async def go() -> Counter[str]:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            refs = (await session.execute(select(Document.order_ref))).scalars().all()
        await engine.dispose()
        return Counter(refs)

    return asyncio.run(go())


def test_one_of_two_processors_killed_under_load_loses_and_doubles_nothing(
    tmp_path: Path, processes: Processes, databases: Databases
) -> None:
    url = databases.create()
    key = Fernet.generate_key()
    path = asyncio.run(database_with_connection(url, CredentialCipher(key)))
    bootstrap = processes.kafka(tmp_path, PARTITIONS)
    env = service_env(url, key, tmp_path, bootstrap, "GATEWAY_PORT", "ORDER_PROCESSOR_PORT")
    env["SHOPSYNC_TOPIC_PARTITIONS"] = str(PARTITIONS)
    second_port = str(int(env["ORDER_PROCESSOR_PORT"]) + 100)
    second_env = {**env, "ORDER_PROCESSOR_PORT": second_port, "SHOPSYNC_WORKER": "2"}

    def start(name: str, environment: dict[str, str], log: str) -> subprocess.Popen[Any]:
        with (tmp_path / log).open("ab") as out:
            return processes.start([SHOPSYNC, name], environment, stdout=out, stderr=out)

    start("gateway", env, "gateway.log")
    first = env["ORDER_PROCESSOR_PORT"]
    start("order-processor", env, "processor-1.log")
    wait_ready(int(env["GATEWAY_PORT"]))
    wait_ready(int(first))
    total = wait_until(lambda: assigned(first), 60, 0.2)  # alone, it holds every partition
    victim = start("order-processor", second_env, "processor-2.log")
    # The join: both hold some, together all of them.
    wait_until(
        lambda: assigned(second_port) and assigned(first) + assigned(second_port) == total, 90, 0.2
    )

    webhook = f"http://127.0.0.1:{env['GATEWAY_PORT']}{path}"
    accepted: list[str] = []

    def load() -> None:
        for n in range(ORDERS):
            if post_order(webhook, f"w-{n}") == 200:
                accepted.append(f"w-{n}")
            time.sleep(0.01)

    sender = threading.Thread(target=load)
    sender.start()
    wait_until(lambda: len(accepted) >= ORDERS // 3, 60, 0.05)
    os.killpg(victim.pid, signal.SIGKILL)  # mid-batch, no goodbye
    killed = time.monotonic()
    wait_until(lambda: assigned(first) == total, 60, 0.1)
    took_over = time.monotonic() - killed
    sender.join()
    wait_until(lambda: set(invoices(url)) >= set(accepted), 90, 0.5)
    time.sleep(1)  # anything doubled would be in by now
    done = invoices(url)
    print(
        f"survivor held all {total} partitions {took_over:.1f} s after the kill -9; "
        f"{len(accepted)} orders accepted, {sum(done.values())} documents"
    )
    assert set(done) == set(accepted) and len(accepted) == ORDERS
    assert max(done.values()) == 1  # none doubled
