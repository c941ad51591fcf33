"""Document write-back for one connection, as a "writeback" tick or a new document asks.

It runs in catalog-sync because this worker already calls the shops with the shared request
budget, owns the producer-side ticks (a retry pass per connection every 30 s, spread) and a
runner that never runs one shop twice at once; documents-issued is keyed by connection and
order, so the partition's owner records each document once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.metrics import WritebackMetrics
from shopsync.adapters.db.models import Document, ShopConnection
from shopsync.adapters.kafka.records import DocumentIssued, DocumentVoided
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.order_invoices import HttpShopOrderInvoices
from shopsync.domain.document_links import document_link
from shopsync.service_layer.document_writeback import (
    DocumentWriteback,
    IssuedDocument,
    WritebackTarget,
)
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfLinks:
    """Where the public gateway serves documents, and the key their links are signed with."""

    base_url: str
    key: bytes

    def link(self, document_id: int) -> str:
        return document_link(self.base_url, self.key, document_id)


@dataclass
class WritebackCycle:
    """Records documents of connections that write back, and runs a connection's due ones."""

    sessions: async_sessionmaker[AsyncSession]
    cipher: CredentialCipher
    http: Callable[[], aiohttp.ClientSession]  # the process's session
    writeback: DocumentWriteback
    links: PdfLinks | None  # None: PUBLIC_BASE_URL unset, nothing is written back
    metrics: WritebackMetrics
    throttled: Counter  # the shop's 429s (shopsync_shop_api_throttled_total{use="writeback"})

    async def issued(self, event: DocumentIssued) -> bool:
        """Record the document when its connection writes back; True: a pass is due now."""
        if await self._writing(event.connection_id) is None or await self._voided(event):
            return False
        return await self.writeback.issued(_issued(event))

    async def voided(self, event: DocumentVoided) -> bool:
        """A voided document written back (or on its way) is withdrawn from the shop."""
        return await self.writeback.voided(event.document_id)

    async def run(self, connection_id: int) -> str:
        """A pass over the connection's due write-backs: "skipped" or "ok"."""
        connection = await self._writing(connection_id)
        if connection is None or self.links is None:
            return "skipped"
        access = shop_access(connection, self.cipher)
        client = HttpShoprenterClient(access, self.http(), on_throttled=self.throttled.inc)
        target = WritebackTarget(self.links.link, connection.writeback_status_id)
        shop = HttpShopOrderInvoices(client)
        try:
            outcomes = await self.writeback.run(connection_id, shop, target)
        finally:
            self.metrics.api_requests.inc(client.stats.requests)
        for outcome, count in outcomes.items():
            self.metrics.writebacks.labels(outcome=outcome).inc(count)
        return "ok"

    async def _voided(self, event: DocumentIssued) -> bool:
        """Whether the document was voided already (its DocumentVoided may be heard first:
        the two topics are read apart), so it never reaches the shop."""
        async with self.sessions() as session:
            document = await session.get(Document, event.document_id)
        return document is not None and document.status == "voided"

    async def _writing(self, connection_id: int) -> ShopConnection | None:
        """The connection if it writes documents back now: on, order intake on, switch on."""
        if self.links is None:
            return None
        async with self.sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
        if connection is None or not connection.enabled or not connection.orders_enabled:
            return None
        return connection if connection.writeback_enabled else None


def _issued(event: DocumentIssued) -> IssuedDocument:
    return IssuedDocument(
        event.document_id,
        event.connection_id,
        event.order_ref,
        event.kind,
        event.draft,
        event.document_number,
    )
