"""The gateway serves a document's PDF at its signed link (real HTTP, PostgreSQL): the right
signature gives the bytes `shopsync documents pdf` writes; anything else a bare 404."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from click.testing import CliRunner
from cryptography.fernet import Fernet

from services.webhook_gateway.app import create_app
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.order_events import order_event
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.document_links import document_link, link_key, signature
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.order_intake import OrderIntake
from tests.integration.test_document_pdf_cli import SETTINGS, sample
from tests.nav_check import TEST_SUPPLIER
from tests.support import env_settings, shop_connection, unique

pytestmark = pytest.mark.integration
KEY = Fernet.generate_key()


async def _invoice(url: str) -> int:
    """An invoice of a fresh account whose supplier data make it printable."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        connection = await shop_connection(session, CredentialCipher(KEY), unique("l-"), **SETTINGS)
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
        ids = (connection.id, connection.account_id)
    event = order_event(*ids, sample(unique(""), "5"), "json", datetime.now(UTC))
    outcome = await OrderIntake(order_units(sessions)).handle(event)
    await engine.dispose()
    assert outcome.document_id is not None
    return outcome.document_id


@pytest.fixture
async def gateway(pg_database_url: str, kafka_broker: str, tmp_path: Path) -> AsyncIterator[str]:
    settings = env_settings(
        DATABASE_URL=pg_database_url,
        KAFKA_BOOTSTRAP_SERVERS=kafka_broker,
        SHOPSYNC_SECRET_KEY=KEY.decode(),
        SHOPSYNC_VAR_DIR=str(tmp_path),
    )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def fetch(url: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, response.content_type, await response.read()


def cli_pdf(env: dict[str, str], document_id: int, out: Path) -> bytes:
    result = CliRunner().invoke(
        cli, ["documents", "pdf", str(document_id), "-o", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


async def test_the_signed_link_gives_the_same_pdf_as_documents_pdf(
    gateway: str, pg_database_url: str, tmp_path: Path
) -> None:
    document_id = await _invoice(pg_database_url)
    status, content_type, body = await fetch(document_link(gateway, link_key(KEY), document_id))
    assert (status, content_type) == (200, "application/pdf")
    env = {"DATABASE_URL": pg_database_url, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    assert body == await asyncio.to_thread(cli_pdf, env, document_id, tmp_path / "cli.pdf")


async def test_a_tampered_foreign_or_unknown_link_gets_the_same_bare_404(
    gateway: str, pg_database_url: str
) -> None:
    document_id = await _invoice(pg_database_url)
    key = link_key(KEY)
    good = signature(key, document_id)
    flipped = ("0" if good[-1] != "0" else "1").join([good[:-1], ""])
    links: dict[str, Any] = {
        "tampered signature": f"{gateway}/documents/{document_id}/{flipped}.pdf",
        "another document's signature": f"{gateway}/documents/{document_id + 1}/{good}.pdf",
        "another key's signature": document_link(gateway, link_key(b"other"), document_id),
        "signed but unknown": document_link(gateway, key, 999_999_999),
        "not a signature": f"{gateway}/documents/{document_id}/{good[:20]}.pdf",
    }
    answers = {why: await fetch(link) for why, link in links.items()}
    assert {why: status for why, (status, _, _) in answers.items()} == dict.fromkeys(links, 404)
    assert len({body for _, _, body in answers.values()}) == 1  # nothing tells them apart
