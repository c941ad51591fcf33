"""Reporting 5,000 invoices to the NAV sandbox (processing delay 0): invoices/s, requests used.

The reporter (PostgreSQL reports, each invoice's XML exported as in production, the real HTTP
client) against the fewest requests NAV allows: per 100 invoices one /manageInvoice, the
/tokenExchange it needs and one /queryTransactionStatus. Baseline, same run and sandbox: a bare
loop sending pre-built invoices with exactly those requests (what is left to the reporter:
keeping the reports, exporting each invoice from the database, recording NAV's results).
Target: every invoice CREATEd once, with no more requests than the minimum. BENCH_INVOICES
shapes it.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from services.nav_reporter.sources import ExportedInvoices
from services.webhook_gateway.events import order_event
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import Account, Document, DocumentLine
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.nav.http_client import HttpNavClient, NavEndpoint
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_invoice import invoice_data_xml
from shopsync.domain.nav_report_rules import NewReport, Timing
from shopsync.domain.nav_reporting import InvoiceOperation, Software, TechnicalUser, batches
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.nav_reporter import NavReporter
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.nav_check import TEST_SUPPLIER
from tests.nav_sandbox_fixtures import nav_invoice
from tests.support import SAMPLE_WEBHOOK, create_pg_database, drop_pg_database, free_port

INVOICES = int(os.environ.get("BENCH_INVOICES", "5000"))
USER = TechnicalUser(
    "benchuser00001", "12345678", "Jelszó-bench", "bench-signing-key", "BENCHEXCHANGE123"
)
SOFTWARE = Software(
    "HU00000000SHOPSYNC", "ShopSync", "ONLINE_SERVICE", "bench", "ShopSync", "a@b.hu"
)
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")


def admin(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}/_nav/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    """The NAV sandbox in a process of its own (it checks every invoice: CPU of its own)."""
    port = free_port()
    process = subprocess.Popen(
        [SHOPSYNC, "nav-sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            admin(base, "stats")
            break
        except OSError:
            time.sleep(0.1)
    user = {
        k: getattr(USER, k)
        for k in ("login", "tax_number", "password", "signing_key", "exchange_key")
    }
    admin(base, "users", user)
    admin(base, "settings", {"processing_delay_s": 0})
    return process, base


async def issued_documents(sessions: async_sessionmaker[AsyncSession]) -> list[NewReport]:
    """INVOICES final invoices of one account: one issued by the intake, the rest its copies."""
    cid, aid = await _connection(sessions)
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order = {**order, "orderHistory": {**order["orderHistory"], "status": "1"}}
    outcome = await OrderIntake(order_units(sessions)).handle(
        order_event(cid, aid, order, "json", datetime.now(UTC))
    )
    assert outcome.document_id is not None
    async with sessions() as session:
        first = (
            await session.execute(
                select(Document)
                .options(selectinload(Document.lines))
                .where(Document.id == outcome.document_id)
            )
        ).scalar_one()
        copies = [_copy(first, n) for n in range(2, INVOICES + 1)]
        session.add_all(copies)
        await session.commit()
        documents = [first, *copies]
        return [
            NewReport(d.id, aid, "CREATE", str(d.document_number), d.issued_at or datetime.now(UTC))
            for d in documents
        ]


def _copy(document: Document, n: int) -> Document:
    skip = {"id", "lines"}
    fields = {
        c.key: getattr(document, c.key) for c in Document.__table__.columns if c.key not in skip
    }
    copy = Document(
        **{**fields, "order_ref": f"bench-{n}", "number": n, "document_number": f"BENCH-{n:06d}"}
    )
    line_skip = {"id", "document_id"}
    copy.lines = [
        DocumentLine(
            **{
                c.key: getattr(line, c.key)
                for c in DocumentLine.__table__.columns
                if c.key not in line_skip
            }
        )
        for line in document.lines
    ]
    return copy


async def _connection(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        connection = await add_connection(
            session,
            CredentialCipher(Fernet.generate_key()),
            account="Bench Kft.",
            name="bench",
            path="bench",
            auth_kind="basic",
            api_user="u",
            api_secret="p",
        )
        apply_settings(
            connection,
            {
                "orders_enabled": True,
                "orders_cancel_status_ids": ["7"],
                "orders_auto_accept": True,
                "orders_default_kind": "invoice",
                "nav_zero_vat_case": "TAM",
            },
        )
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
        return connection.id, connection.account_id


async def baseline(nav: HttpNavClient) -> float:
    """Seconds for the bare minimum: pre-built invoices, 100 a request, one status each."""
    xml = invoice_data_xml(nav_invoice("BASE-000000"))
    operations = tuple(
        InvoiceOperation(
            "CREATE", f"BASE-{n:06d}", xml.replace(b"BASE-000000", f"BASE-{n:06d}".encode())
        )
        for n in range(INVOICES)
    )
    started = time.perf_counter()
    for batch in batches(operations):
        transaction = await nav.submit(batch)
        while not (await nav.status(transaction)).finished:  # noqa: ASYNC110 (polling NAV)
            await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def reporting(
    sessions: async_sessionmaker[AsyncSession], nav: HttpNavClient, reports: list[NewReport]
) -> float:
    """Seconds from keeping the reports to every one of them finished."""
    store = SqlAlchemyNavReportStore(sessions)
    reporter = NavReporter(
        store,
        ExportedInvoices(sessions),
        Timing(settle_s=5, poll_first_s=0.01, poll_cap_s=0.5, answer_s=60),
    )
    started = time.perf_counter()
    await store.record(reports)
    while (await reporter.step(reports[0].account_id, nav)).kind != "idle":  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    return time.perf_counter() - started


async def main() -> int:
    sandbox, base = start_sandbox()
    name, url = await create_pg_database()
    try:
        await upgrade(url)
        engine = create_engine(url)
        sessions = session_factory(engine)
        reports = await issued_documents(sessions)
        async with aiohttp.ClientSession() as http:
            endpoint = NavEndpoint(f"{base}/invoiceService/v3", 60)
            bare = HttpNavClient(USER, SOFTWARE, http, endpoint)
            bare_s = await baseline(bare)
            client = HttpNavClient(USER, SOFTWARE, http, endpoint)
            took = await reporting(sessions, client, reports)
        stats = admin(base, "stats")
        await engine.dispose()
    finally:
        sandbox.terminate()
        sandbox.wait(10)
        await drop_pg_database(name)
    return report(took, bare_s, dict(client.requests), dict(bare.requests), stats)


def report(
    took: float, bare_s: float, used: dict[str, int], bare: dict[str, int], stats: dict[str, Any]
) -> int:
    minimum = 3 * math.ceil(INVOICES / 100)
    creates = stats["creates"]["12345678"]
    ours = [n for n in creates if not n.startswith("BASE-")]
    once = len(ours) == INVOICES and all(creates[n] == 1 for n in ours)
    rate, bare_rate = INVOICES / took, INVOICES / bare_s
    print(f"invoices reported:          {len(ours)} (each CREATEd once: {once})")
    print(f"reporter:                   {took:.1f} s, {rate:.0f} invoices/s")
    print(f"baseline (bare client):     {bare_s:.1f} s, {bare_rate:.0f} invoices/s (same run)")
    print(f"requests used:              {sum(used.values())} {used}")
    print(
        f"minimum (token+manage+status per 100): {minimum}; the bare loop used {sum(bare.values())}"
    )
    print(f"reporter / baseline:        {rate / bare_rate:.2f}")
    ok = once and sum(used.values()) <= minimum
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
