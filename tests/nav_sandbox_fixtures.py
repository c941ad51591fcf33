"""A real NAV sandbox server on a free port, a technical user there, and clients for it.

Invoices are made the way ShopSync makes them: an order → a document (build_document) →
NAV InvoiceData (invoice_data_xml), a storno from storno_of with its reference.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from devtools.nav_sandbox.app import create_nav_sandbox_app
from devtools.nav_sandbox.world import NavSettings, NavWorld
from shopsync.adapters.nav.http_client import HttpNavClient, NavEndpoint
from shopsync.adapters.nav.retry import Backoff
from shopsync.domain.document_building import build_document
from shopsync.domain.documents import DocumentKind, storno_of
from shopsync.domain.nav_invoice import (
    Address,
    Customer,
    InvoiceReference,
    NavInvoice,
    Supplier,
    customer_vat_status,
    invoice_data_xml,
    payment_method_for,
)
from shopsync.domain.nav_reporting import InvoiceOperation, Software, TechnicalUser
from shopsync.domain.orders import OrderItem
from tests.support import make_order, unique

SOFTWARE = Software(
    "HU12345678SHOPSYNC", "ShopSync", "ONLINE_SERVICE", "0.1.0", "ShopSync", "dev@example.hu"
)
SUPPLIER = Supplier(
    "Értékesítő Kft.",
    "12345678-2-41",
    Address("HU", "1037", "Budapest", "Bécsi út 52."),
    "12345678-12345678-12345678",
)
ITEMS = [
    OrderItem("Tulipán csokor", "TUL-1", Decimal("3150"), Decimal(27), Decimal(2)),
    OrderItem("Szakácskönyv", "KONYV-1", Decimal("4000"), Decimal(5), Decimal(1)),
]


@dataclass
class NavSandbox:
    world: NavWorld
    url: str
    user: TechnicalUser

    def client(self, http: aiohttp.ClientSession, **changes: Any) -> HttpNavClient:
        """A client of the sandbox's user; `user_changes` alter its credentials."""
        user = replace(self.user, **changes.pop("user_changes", {}))
        endpoint = NavEndpoint(self.url, changes.pop("timeout_s", 5.0))
        backoff = changes.pop("backoff", Backoff(attempts=3, first_s=0.01))
        return HttpNavClient(user, SOFTWARE, http, endpoint, backoff, **changes)

    def creates(self, number: str) -> int:
        return self.world.creates[(self.user.tax_number, number)]


@pytest.fixture
async def nav_sandbox() -> AsyncIterator[NavSandbox]:
    world = NavWorld(NavSettings(processing_delay_s=0.05, hang_s=1.0))
    user = world.add_user(
        TechnicalUser(
            unique("u")[:15], "12345678", "jelszó-1", "ac-ac3a-7f661bff7d342N", "EXCHANGEKEY12345"
        )
    )
    server = TestServer(create_nav_sandbox_app(world), host="127.0.0.1")
    await server.start_server()
    yield NavSandbox(world, str(server.make_url("/invoiceService/v3")), user)
    await server.close()


@pytest.fixture
async def nav_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def nav_invoice(number: str, storno_of_number: str | None = None) -> NavInvoice:
    """An invoice (or the storno of `storno_of_number`) as ShopSync reports it."""
    order = make_order(ITEMS, shipping=Decimal("1490"))
    document = build_document(order, DocumentKind.INVOICE)
    if storno_of_number is not None:
        document = storno_of(document)
    buyer = order.buyer
    reference = None if storno_of_number is None else InvoiceReference(storno_of_number, 1)
    return NavInvoice(
        number=number,
        issue_date=date(2026, 11, 27),
        delivery_date=date(2026, 11, 27),
        currency="HUF",
        exchange_rate=Decimal(1),
        payment_method=payment_method_for(order.payment_method, order.payment_method_code),
        supplier=SUPPLIER,
        customer=Customer(
            customer_vat_status(buyer.tax_number, buyer.is_business, buyer.country_code),
            buyer.name,
            buyer.tax_number,
            Address(buyer.country_code, buyer.postcode, buyer.city, buyer.address),
        ),
        lines=document.lines,
        zero_vat_case="TAM",
        reference=reference,
    )


def create(number: str) -> InvoiceOperation:
    return InvoiceOperation("CREATE", number, invoice_data_xml(nav_invoice(number)))


def storno(number: str, original: str) -> InvoiceOperation:
    return InvoiceOperation("STORNO", number, invoice_data_xml(nav_invoice(number, original)))
