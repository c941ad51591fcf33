"""What every end-to-end test may lean on: processes and databases that go away, whatever happens.

A test starts its services, brokers and databases through these fixtures, never in a `try` of
its own: a failing assertion, a timeout or an error while setting up still stops every process
it started (process group and all) and drops every database it made.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shopsync.adapters.kafka.embedded import start_broker
from tests.nav_check import check_nav_exports
from tests.support import create_pg_database, drop_pg_database, stop_process


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

    def adopt(self, process: subprocess.Popen[Any]) -> subprocess.Popen[Any]:
        self._running.append(process)
        return process

    def stop_all(self) -> None:
        while self._running:
            stop_process(self._running.pop())


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
