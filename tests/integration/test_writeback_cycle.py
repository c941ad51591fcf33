"""catalog-sync's write-back (services/catalog_sync/writeback.py) against the sandbox and a real
database: which connections write back, the signed link it sends, what it counts, and the
start-up warning when PUBLIC_BASE_URL is missing."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet
from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox import generator
from devtools.sandbox.orders import place_order, webhook_order
from devtools.sandbox.store import SandboxShop
from services.catalog_sync.app import create_app as catalog_app
from services.catalog_sync.metrics import writeback_metrics
from services.catalog_sync.writeback import PdfLinks, WritebackCycle
from shopsync.adapters.db.models import Document, ShopConnection
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.db.writebacks import SqlAlchemyWritebackStore, writeback_view
from shopsync.adapters.kafka.order_events import order_event
from shopsync.adapters.kafka.records import DocumentIssued
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.api_metrics import shop_api_metrics
from shopsync.domain.document_links import link_key, signature_valid
from shopsync.service_layer.document_writeback import DocumentWriteback
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.settings import Settings
from tests.sandbox_fixtures import Sandbox
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration
KEY = link_key(b"the-installation's-secret-key")
LINKS = PdfLinks("https://shopsync.example", KEY)


async def _issued(
    sessions: async_sessionmaker[AsyncSession],
    sandbox: Sandbox,
    cipher: CredentialCipher,
    **settings: object,
) -> tuple[DocumentIssued, SandboxShop]:
    """An invoice of a sandbox order on a fresh connection (these settings), as its event."""
    shop = sandbox.shop()
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("cy-"), **settings)
        sandbox.point(connection, shop, cipher)
        await session.commit()
        ids = (connection.id, connection.account_id)
    rng = random.Random(3)
    order = place_order(shop, generator.order(rng, generator.catalog(rng, 2)))
    raw = webhook_order(shop, order, sandbox.url)
    await OrderIntake(order_units(sessions)).handle(
        order_event(*ids, raw, "json", datetime.now(UTC))
    )
    async with sessions() as session:
        d = (
            await session.execute(select(Document).where(Document.connection_id == ids[0]))
        ).scalar_one()
    event = DocumentIssued(
        event_id=f"document:{d.id}:final",
        document_id=d.id,
        account_id=d.account_id,
        connection_id=d.connection_id,
        order_ref=d.order_ref,
        kind="invoice",
        draft=False,
        document_number=d.document_number,
        currency=d.currency,
        total_gross=d.total_gross,
        issued_at=datetime.now(UTC),
    )
    return event, shop


def _cycle(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    http: aiohttp.ClientSession,
    registry: CollectorRegistry,
    links: PdfLinks | None = LINKS,
) -> WritebackCycle:
    writeback = DocumentWriteback(SqlAlchemyWritebackStore(sessions))
    return WritebackCycle(
        sessions,
        cipher,
        lambda: http,
        writeback,
        links,
        writeback_metrics(registry),
        shop_api_metrics(registry).throttled_for("writeback"),
    )


async def test_a_heard_invoice_is_written_back_with_a_signed_link_and_counted(
    sessions: async_sessionmaker[AsyncSession],
    sandbox: Sandbox,
    cipher: CredentialCipher,
    http: aiohttp.ClientSession,
) -> None:
    registry = CollectorRegistry()
    cycle = _cycle(sessions, cipher, http, registry)
    event, shop = await _issued(sessions, sandbox, cipher)
    assert await cycle.issued(event)
    shop.faults.throttle_next, shop.faults.retry_after = 1, 1  # a 429 refuses, applies nothing
    assert await cycle.run(event.connection_id) == "ok"
    [row] = [r.fields for r in shop.table("orderInvoices").rows.values()]  # still one row
    prefix = f"https://shopsync.example/documents/{event.document_id}/"
    assert row["invoicePath"].startswith(prefix) and row["invoicePath"].endswith(".pdf")
    assert signature_valid(KEY, event.document_id, row["invoicePath"][len(prefix) : -4])
    assert registry.get_sample_value("shopsync_writebacks_total", {"outcome": "done"}) == 1
    assert (registry.get_sample_value("shopsync_writeback_api_requests_total") or 0) >= 1
    throttled = {"use": "writeback"}
    assert registry.get_sample_value("shopsync_shop_api_throttled_total", throttled) == 1


async def test_nothing_is_recorded_when_write_back_is_off_links_cannot_be_made_or_it_is_void(
    sessions: async_sessionmaker[AsyncSession],
    sandbox: Sandbox,
    cipher: CredentialCipher,
    http: aiohttp.ClientSession,
) -> None:
    switched_off, _ = await _issued(sessions, sandbox, cipher, writeback_enabled=False)
    no_links, _ = await _issued(sessions, sandbox, cipher)
    intake_off, _ = await _issued(sessions, sandbox, cipher)
    async with sessions() as session:
        connection = await session.get(ShopConnection, intake_off.connection_id)
        assert connection is not None
        connection.orders_enabled = False
        await session.commit()
    cycle = _cycle(sessions, cipher, http, CollectorRegistry())
    unlinked = _cycle(sessions, cipher, http, CollectorRegistry(), links=None)
    assert not await cycle.issued(switched_off) and not await cycle.issued(intake_off)
    assert not await unlinked.issued(no_links)
    assert await unlinked.run(no_links.connection_id) == "skipped"
    voided, _ = await _issued(sessions, sandbox, cipher)
    async with sessions() as session:
        document = await session.get(Document, voided.document_id)
        assert document is not None
        document.status = "voided"  # its DocumentVoided was heard before its DocumentIssued
        await session.commit()
    assert not await cycle.issued(voided)
    async with sessions() as session:
        for event in (switched_off, no_links, intake_off, voided):
            assert await writeback_view(session, event.document_id) is None


def test_catalog_sync_warns_once_at_start_up_when_public_base_url_is_unset(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.model_validate(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "SHOPSYNC_VAR_DIR": str(tmp_path),
            "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        }
    )
    with caplog.at_level(logging.WARNING, logger="services.catalog_sync.app"):
        catalog_app(settings)
    warnings = [r.getMessage() for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]
    assert len(warnings) == 1 and "not written back" in warnings[0]
