"""NAV reporting against the NAV sandbox over HTTP, with the reports in PostgreSQL and SQLite.

Documents are issued by the order intake as in production, exported as the reporter exports
them, and sent by the real client; the sandbox counts each CREATE per invoice number.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.nav_reporter.sources import ExportedInvoices
from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.db.nav_report_reads import nav_view, oldest_unreported, reports_by_state
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.nav.http_client import HttpNavClient
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_report_rules import Timing
from shopsync.entrypoints.cli.main import cli
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.nav_credentials import Secrets, set_credentials
from shopsync.service_layer.nav_reporter import IssuedDocument, NavReporter
from tests.integration.test_nav_export import configure, connection, issue, sample
from tests.nav_check import TEST_SUPPLIER
from tests.nav_sandbox_fixtures import NavSandbox, nav_http, nav_sandbox

pytestmark = pytest.mark.integration
__all__ = ["nav_http", "nav_sandbox"]
TIMING = Timing(settle_s=0.3, poll_first_s=0.05, poll_cap_s=0.2)


async def account_with_user(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher, sandbox: NavSandbox
) -> tuple[int, int]:
    """A connection whose account reports as the sandbox's technical user."""
    cid, aid = await connection(
        sessions, cipher, orders_status_rules={"2": "invoice"}, orders_cancel_status_ids=["7"]
    )
    await configure(sessions, aid, cid)
    user = sandbox.user
    async with sessions() as session:
        account = await session.get(Account, aid)
        assert account is not None
        secrets = Secrets(user.password, user.signing_key, user.exchange_key)
        await set_credentials(session, cipher, account, user.login, "12345678-2-41", secrets)
        await session.commit()
    return cid, aid


async def heard(sessions: async_sessionmaker[AsyncSession], document_id: int) -> IssuedDocument:
    """The document as its documents-issued event tells of it."""
    async with sessions() as session:
        d = await session.get(Document, document_id)
        assert d is not None and d.issued_at is not None
        return IssuedDocument(d.id, d.account_id, d.kind, d.draft, d.document_number, d.issued_at)


async def report_all(reporter: NavReporter, account_id: int, client: HttpNavClient) -> None:
    for _ in range(200):
        if (await reporter.step(account_id, client)).kind == "idle":
            return
        await asyncio.sleep(0.05)
    raise AssertionError("still reporting")


def reporter_of(sessions: async_sessionmaker[AsyncSession]) -> NavReporter:
    store = SqlAlchemyNavReportStore(sessions)
    return NavReporter(store, ExportedInvoices(sessions), TIMING)


async def test_invoices_and_a_storno_are_done_at_nav_once_each_the_storno_after_its_invoice(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    nav_sandbox: NavSandbox,
    nav_http: aiohttp.ClientSession,
) -> None:
    cid, aid = await account_with_user(sessions, cipher, nav_sandbox)
    invoices = [await issue(sessions, cid, aid, sample(f"r{n}", "2")) for n in range(3)]
    storno = await issue(sessions, cid, aid, sample("r0", "7"))
    reporter = reporter_of(sessions)
    for document_id in (*invoices, storno):
        assert await reporter.issued(await heard(sessions, document_id))
        assert not await reporter.issued(await heard(sessions, document_id))  # redelivered

    await report_all(reporter, aid, nav_sandbox.client(nav_http))

    async with sessions() as session:
        views = [await nav_view(session, d) for d in (*invoices, storno)]
        numbers = [(await session.get(Document, d)).document_number for d in (*invoices, storno)]  # type: ignore[union-attr]
    assert [v["state"] for v in views if v] == ["done"] * 4
    assert views[-1] is not None and views[-1]["operation"] == "STORNO"
    assert views[0] is not None and views[0]["transaction_id"] != views[-1]["transaction_id"]
    assert [nav_sandbox.creates(str(n)) for n in numbers[:3]] == [1, 1, 1]
    assert f"12345678/{numbers[-1]}" in nav_sandbox.world.stats()["invoices"]  # type: ignore[operator]


async def test_a_manage_invoice_that_timed_out_after_nav_saved_it_is_not_sent_again(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    nav_sandbox: NavSandbox,
    nav_http: aiohttp.ClientSession,
) -> None:
    cid, aid = await account_with_user(sessions, cipher, nav_sandbox)
    invoice = await issue(sessions, cid, aid, sample("t1", "2"))
    reporter = reporter_of(sessions)
    await reporter.issued(await heard(sessions, invoice))
    nav_sandbox.world.faults.timeouts = 1
    nav_sandbox.world.faults.operations = frozenset({"manageInvoice"})

    await report_all(reporter, aid, nav_sandbox.client(nav_http, timeout_s=0.5))

    async with sessions() as session:
        view = await nav_view(session, invoice)
        number = (await session.get(Document, invoice)).document_number  # type: ignore[union-attr]
    assert view is not None and view["state"] == "done"
    assert [m["error_code"] for m in view["messages"]] == ["FOUND_AT_NAV"]
    assert nav_sandbox.creates(str(number)) == 1


async def shopsync(database_url: str, tmp_path: Path, *args: str) -> str:
    """A `shopsync` command on the test's database (on a thread: it runs its own loop)."""
    env = {"DATABASE_URL": database_url, "SHOPSYNC_VAR_DIR": str(tmp_path)}
    result = await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def test_an_aborted_invoice_shows_nav_s_code_and_after_the_fix_a_resend_is_done(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    nav_sandbox: NavSandbox,
    nav_http: aiohttp.ClientSession,
    database_url: str,
    tmp_path: Path,
) -> None:
    cid, aid = await account_with_user(sessions, cipher, nav_sandbox)
    async with sessions() as session:  # a typo in the account's tax number
        account = await session.get(Account, aid)
        assert account is not None
        set_supplier(account, {"tax_number": "87654321-2-41"})
        await session.commit()
    invoice = await issue(sessions, cid, aid, sample("a1", "2"))
    reporter, client = reporter_of(sessions), nav_sandbox.client(nav_http)
    await reporter.issued(await heard(sessions, invoice))
    await report_all(reporter, aid, client)
    async with sessions() as session:
        aborted = await nav_view(session, invoice)
        assert (await reports_by_state(session))["aborted"] >= 1
        assert await oldest_unreported(session) is not None
    assert aborted is not None and aborted["state"] == "aborted"
    assert "SUPPLIER_TAX_NUMBER_MISMATCH" in [m["error_code"] for m in aborted["messages"]]
    shown = await shopsync(database_url, tmp_path, "documents", "show", str(invoice))
    nav_line = next(line for line in shown.splitlines() if line.startswith("NAV: "))
    assert "aborted" in nav_line and "ERROR SUPPLIER_TAX_NUMBER_MISMATCH" in nav_line
    assert f"shopsync nav resend {invoice}" in nav_line

    async with sessions() as session:
        account = await session.get(Account, aid)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        await session.commit()
    said = await shopsync(database_url, tmp_path, "nav", "resend", str(invoice))
    assert "pending" in said
    await report_all(reporter, aid, client)
    async with sessions() as session:
        done = await nav_view(session, invoice)
    assert done is not None and done["state"] == "done" and done["submissions"] == 2


async def test_documents_issued_since_the_credentials_whose_event_was_lost_are_swept_in(
    sessions: async_sessionmaker[AsyncSession],
    cipher: CredentialCipher,
    nav_sandbox: NavSandbox,
) -> None:
    cid, aid = await account_with_user(sessions, cipher, nav_sandbox)
    invoice = await issue(sessions, cid, aid, sample("s1", "2"))
    store = SqlAlchemyNavReportStore(sessions)
    assert await store.sweep(aid, datetime.now(UTC) + timedelta(hours=1)) == 0  # issued before
    assert await store.sweep(aid, datetime.now(UTC) - timedelta(hours=1)) == 1
    assert await store.sweep(aid, datetime.now(UTC) - timedelta(hours=1)) == 0
    assert [r.document_id for r in await store.open_reports(aid)] == [invoice]
