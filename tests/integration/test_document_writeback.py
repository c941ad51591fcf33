"""Write-back against the sandbox over HTTP and a real database (PostgreSQL and SQLite): one
orderInvoices row per document, none doubled by a retry after a lost answer, failures retried
after their backoff, a storno as a storno row, and the order's status set when asked."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devtools.sandbox import generator
from devtools.sandbox.orders import change_status, place_order, webhook_order
from devtools.sandbox.store import Row, SandboxShop
from shopsync.adapters.db.models import Document
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.db.writebacks import SqlAlchemyWritebackStore, writeback_view
from shopsync.adapters.kafka.order_events import order_event
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.order_invoices import HttpShopOrderInvoices
from shopsync.adapters.shoprenter.ratelimit import ShopRateLimiter
from shopsync.adapters.shoprenter.retry import RetryPolicy
from shopsync.service_layer.document_writeback import (
    DocumentWriteback,
    IssuedDocument,
    WritebackTarget,
)
from shopsync.service_layer.order_intake import OrderIntake
from tests.sandbox_fixtures import Sandbox
from tests.support import free_port, shop_connection, unique

pytestmark = pytest.mark.integration
QUICK_RETRIES = RetryPolicy(max_attempts=2, base_s=0.01, cap_s=0.05)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class WritingBack:
    """A sandbox shop, its connection (every status an invoice, 7 cancels) and write-back."""

    sandbox: Sandbox
    shop: SandboxShop
    sessions: async_sessionmaker[AsyncSession]
    http: aiohttp.ClientSession
    ids: tuple[int, int]  # connection, account
    clock: Clock
    writeback: DocumentWriteback

    def place(self, seed: int) -> Row:
        rng = random.Random(seed)
        return place_order(self.shop, generator.order(rng, generator.catalog(rng, 3)))

    async def webhook(self, order: Row) -> None:
        """The order's current status handled as its webhook would be: documents issued."""
        raw = webhook_order(self.shop, order, self.sandbox.url)
        event = order_event(*self.ids, raw, "json", datetime.now(UTC))
        await OrderIntake(order_units(self.sessions)).handle(event)

    async def heard(self) -> list[Document]:
        """The connection's documents, each handed to write-back as its event would be."""
        query = select(Document).where(Document.connection_id == self.ids[0])
        async with self.sessions() as session:
            documents = list((await session.execute(query.order_by(Document.id))).scalars())
        for d in documents:
            await self.writeback.issued(
                IssuedDocument(
                    d.id, d.connection_id, d.order_ref, d.kind, d.draft, d.document_number
                )
            )
        return documents

    async def run(
        self, status_id: str | None = None, timeout_s: float = 30, via: str | None = None
    ) -> dict[str, int]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http:
            access = self.sandbox.basic(self.shop)
            if via is not None:
                access = replace(access, api_url=f"{via}/{self.shop.name}")
            client = HttpShoprenterClient(access, http, ShopRateLimiter(), QUICK_RETRIES)
            target = WritebackTarget(lambda d: f"https://pdf.example/documents/{d}.pdf", status_id)
            outcomes = await self.writeback.run(self.ids[0], HttpShopOrderInvoices(client), target)
        return dict(outcomes)

    def rows(self) -> list[dict[str, Any]]:
        return [r.fields for r in self.shop.table("orderInvoices").rows.values()]

    async def view(self, document_id: int) -> dict[str, Any] | None:
        async with self.sessions() as session:
            return await writeback_view(session, document_id)


@dataclass
class LossyProxy:
    """Forwards every request to the sandbox; hangs up on the next `lose` creates of an order
    invoice after the shop carried them out, so their answers never arrive."""

    target: str
    lose: int = 0

    async def forward(self, request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k in FORWARDED}
        async with (
            aiohttp.ClientSession() as http,
            http.request(
                request.method,
                self.target + request.path_qs,
                data=await request.read(),
                headers=headers,
            ) as answer,
        ):
            status, body = answer.status, await answer.read()
        if self.lose and request.method == "POST" and request.path.endswith("/orderInvoices"):
            self.lose -= 1
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError
        return web.Response(status=status, body=body, content_type="application/json")


FORWARDED = ("Authorization", "Accept", "Content-Type")


@pytest.fixture
async def lossy(sandbox: Sandbox) -> AsyncIterator[tuple[LossyProxy, str]]:
    proxy = LossyProxy(sandbox.url)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield proxy, f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def writing(
    sandbox: Sandbox,
    sessions: async_sessionmaker[AsyncSession],
    http: aiohttp.ClientSession,
    cipher: CredentialCipher,
) -> AsyncIterator[WritingBack]:
    shop = sandbox.shop()
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("wb-"))
        sandbox.point(connection, shop, cipher)
        await session.commit()
        ids = (connection.id, connection.account_id)
    clock = Clock()
    writeback = DocumentWriteback(SqlAlchemyWritebackStore(sessions), clock)
    yield WritingBack(sandbox, shop, sessions, http, ids, clock, writeback)


async def test_an_invoice_gets_exactly_one_order_invoices_row_with_its_number_and_link(
    writing: WritingBack,
) -> None:
    order = writing.place(1)
    await writing.webhook(order)
    [invoice] = await writing.heard()
    assert await writing.run() == {"done": 1}
    await writing.heard()  # the event redelivered
    assert await writing.run() == {}
    [row] = writing.rows()
    assert row["invoiceId"] == invoice.document_number and row["invoiceType"] == "normal"
    assert row["invoicePath"] == f"https://pdf.example/documents/{invoice.id}.pdf"
    assert row["order"] == order.resource_id
    view = await writing.view(invoice.id)
    assert view is not None and view["state"] == "done" and view["attempts"] == 1
    [stored_id] = writing.shop.table("orderInvoices").rows
    assert view["order_invoice_id"] == stored_id


async def test_a_create_whose_answer_was_lost_is_found_on_retry_not_posted_again(
    writing: WritingBack, lossy: tuple[LossyProxy, str]
) -> None:
    proxy, via = lossy
    await writing.webhook(writing.place(2))
    [invoice] = await writing.heard()
    proxy.lose = 1
    assert await writing.run(via=via) == {"failed": 1}
    assert len(writing.rows()) == 1  # the create landed; only its answer was lost
    view = await writing.view(invoice.id)
    assert view is not None and view["order_invoice_id"] is None
    writing.clock.now += timedelta(seconds=31)
    assert await writing.run(via=via) == {"done": 1}
    assert len(writing.rows()) == 1
    view = await writing.view(invoice.id)
    assert view is not None and view["attempts"] == 2
    assert view["order_invoice_id"] == next(iter(writing.shop.table("orderInvoices").rows))


async def test_a_failure_shows_its_error_waits_its_backoff_then_succeeds(
    writing: WritingBack,
) -> None:
    await writing.webhook(writing.place(3))
    [invoice] = await writing.heard()
    writing.shop.faults.fail_next = 2  # both of the client's tries get a 503
    assert await writing.run() == {"failed": 1}
    view = await writing.view(invoice.id)
    assert view is not None and view["state"] == "failed" and "503" in view["last_error"]
    assert view["next_attempt_at"] >= writing.clock.now + timedelta(seconds=29)
    assert await writing.run() == {}  # not due before its backoff
    writing.clock.now += timedelta(seconds=31)
    assert await writing.run() == {"done": 1}
    assert len(writing.rows()) == 1
    view = await writing.view(invoice.id)
    assert view is not None and view["state"] == "done" and view["last_error"] is None


async def test_a_cancelled_invoice_gets_a_storno_row_beside_its_invoice_row(
    writing: WritingBack,
) -> None:
    order = writing.place(4)
    await writing.webhook(order)
    change_status(writing.shop, order, writing.shop.status_id(7))
    await writing.webhook(order)
    documents = await writing.heard()
    assert [d.kind for d in documents] == ["invoice", "storno"]
    assert await writing.run() == {"done": 2}
    types = {r["invoiceId"]: r["invoiceType"] for r in writing.rows()}
    assert types == {documents[0].document_number: "normal", documents[1].document_number: "storno"}


async def test_the_status_option_sets_the_orders_status_after_its_invoice(
    writing: WritingBack,
) -> None:
    order = writing.place(5)
    await writing.webhook(order)
    [invoice] = await writing.heard()
    assert await writing.run(status_id="4") == {"done": 1}
    assert order.fields["orderStatus"] == writing.shop.status_id(4)
    view = await writing.view(invoice.id)
    assert view is not None and view["status_set"] is True


async def test_a_status_the_shop_does_not_have_fails_with_its_reason_and_keeps_the_row(
    writing: WritingBack,
) -> None:
    await writing.webhook(writing.place(6))
    [invoice] = await writing.heard()
    assert await writing.run(status_id="99") == {"failed": 1}
    view = await writing.view(invoice.id)
    assert view is not None and "no status 99" in view["last_error"]
    assert view["order_invoice_id"] is not None and len(writing.rows()) == 1
