"""What every end-to-end test may lean on: processes and databases that go away, whatever happens.

A test starts its services, brokers and databases through these fixtures, never in a `try` of
its own: a failing assertion, a timeout or an error while setting up still stops every process
it started (process group and all) and drops every database it made.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from tests.nav_check import check_nav_exports
from tests.support import create_pg_database, drop_pg_database, free_port, stop_process


class Processes:
    """Processes a test started; all stopped at its end, the last started first."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen[Any]] = []

    def start(self, args: list[str], env: dict[str, str], **options: Any) -> subprocess.Popen[Any]:
        options.setdefault("start_new_session", True)
        return self.adopt(subprocess.Popen(args, env=env, **options))

    def broker(self, port: int, log: Path) -> subprocess.Popen[bytes]:
        broker = start_broker(port, log)
        self.adopt(broker)
        return broker

    def kafka(self, work: Path, partitions: int) -> str:
        """A broker of our own with ShopSync's topics in `partitions` partitions: its address."""
        port = free_port()
        self.broker(port, work / "broker.log")
        bootstrap = f"127.0.0.1:{port}"
        ensure_topics(bootstrap, topic_specs(partitions))
        return bootstrap

    def adopt(self, process: subprocess.Popen[Any]) -> subprocess.Popen[Any]:
        self._running.append(process)
        return process

    def stop_all(self) -> None:
        while self._running:
            stop_process(self._running.pop())


def service_env(
    database_url: str, key: bytes, work: Path, bootstrap: str, *ports: str, **extra: str
) -> dict[str, str]:
    """What the services need to run: the database, broker, key, a folder, a free port each."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(work),
        **{port: str(free_port()) for port in ports},
        **extra,
    }


class Databases:
    """PostgreSQL databases a test made; each checked for NAV-valid invoices, then dropped."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._names: list[tuple[str, str]] = []

    def create(self) -> str:
        name, url = asyncio.run(create_pg_database())
        self._names.append((name, url))
        return url

    async def create_async(self) -> str:
        name, url = await create_pg_database()
        self._names.append((name, url))
        return url

    def drop_all(self) -> None:
        while self._names:
            name, url = self._names.pop()
            try:
                asyncio.run(check_nav_exports(url, self._label))
            finally:
                asyncio.run(drop_pg_database(name))


@pytest.fixture
def processes() -> Iterator[Processes]:
    running = Processes()
    yield running
    running.stop_all()


@pytest.fixture(scope="module")
def module_processes() -> Iterator[Processes]:
    running = Processes()
    yield running
    running.stop_all()


@pytest.fixture
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    made = Databases(f"e2e {request.module.__name__.rsplit('.', 1)[-1]}")
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def module_databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    made = Databases(f"e2e {request.module.__name__.rsplit('.', 1)[-1]}")
    yield made
    made.drop_all()
