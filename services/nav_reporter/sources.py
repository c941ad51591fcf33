"""What the reporter draws on: each account's NAV client, each document's InvoiceData XML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import NavCredentials
from shopsync.adapters.nav.configured import nav_client
from shopsync.adapters.nav.http_client import HttpNavClient
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.nav_credentials import technical_user
from shopsync.service_layer.nav_export import export_invoice_data
from shopsync.settings import Settings


@dataclass
class ExportedInvoices:
    """The document's InvoiceData as `documents export --format nav-xml` gives it, now."""

    sessions: async_sessionmaker[AsyncSession]

    async def invoice_data(self, document_id: int) -> bytes:
        async with self.sessions() as session:
            return await export_invoice_data(session, document_id)


@dataclass
class NavClients:
    """One NAV client per account, made anew when its credentials change."""

    settings: Settings
    cipher: CredentialCipher
    http: Callable[[], aiohttp.ClientSession]
    _made: dict[int, tuple[datetime, HttpNavClient]] = field(default_factory=dict)

    def client(self, credentials: NavCredentials) -> HttpNavClient:
        made = self._made.get(credentials.account_id)
        if made is None or made[0] != credentials.updated_at:
            user = technical_user(credentials, self.cipher)
            made = (credentials.updated_at, nav_client(user, self.settings, self.http()))
            self._made[credentials.account_id] = made
        return made[1]

    def requests(self) -> int:
        """NAV requests made so far by every client (the benchmark counts them)."""
        return sum(sum(client.requests.values()) for _, client in self._made.values())
