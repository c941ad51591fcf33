"""NAV reporting end to end: webhooks → gateway → broker → order processor → outbox relay →
documents-issued → nav-reporter → the NAV sandbox (its own process), every invoice exactly once.

500 orders become 500 invoices and 50 of them are cancelled (50 stornos). The sandbox counts
each CREATE per invoice number; each number must be DONE there and CREATEd once, each storno
reported after its invoice was DONE — also while the sandbox times out after receiving for
20 % of requests and answers 5xx for 10 %, and with the reporter killed (-9) mid-run.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import (
    Account,
    Document,
    NavCredentials,
    NavReport,
    ShopConnection,
)
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.nav_credentials import Secrets, set_credentials
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Databases, Processes, service_env
from tests.e2e.test_order_flow import SHOPSYNC, post_document, sample_order, wait_ready
from tests.nav_check import TEST_SUPPLIER
from tests.support import INTAKE_ON, free_port, wait_until

pytestmark = pytest.mark.scenario
ORDERS, CANCELLED = 500, 50
USER = {
    "login": "scenariouser01",
    "tax_number": "12345678",
    "password": "Jelszó-scenario",
    "signing_key": "ce-8f5e-215119fa7dd621DLMRHRLH2S",
    "exchange_key": "CE8F5E215119FA7D",
}
FAULTS = {"timeout_rate": 0.2, "server_error_rate": 0.1}


@dataclass
class Stack:
    env: dict[str, str]
    database_url: str
    nav_admin: str
    hook_url: str
    processes: Processes
    work: Path
    reporter: subprocess.Popen[bytes] | None = None

    def start(self, command: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.work / f"{command}.log").open("ab") as log:
            return self.processes.start(
                [SHOPSYNC, command, *args], self.env, stdout=log, stderr=log
            )

    def start_reporter(self) -> None:
        self.reporter = self.start("nav-reporter")
        wait_ready(int(self.env["NAV_REPORTER_PORT"]), 90)

    def nav(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.nav_admin}/{path}", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def reports(self) -> list[NavReport]:
        return _query(self.database_url, select(NavReport).order_by(NavReport.document_id))

    def documents(self) -> list[Document]:
        return _query(self.database_url, select(Document).order_by(Document.id))

    def metric(self, name: str) -> float:
        port = self.env["NAV_REPORTER_PORT"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            lines = answer.read().decode().splitlines()
        return sum(float(line.split()[-1]) for line in lines if line.startswith(name))


def _query(url: str, statement: Any) -> list[Any]:
    async def go() -> list[Any]:
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            rows = list((await session.execute(statement)).scalars())
        await engine.dispose()
        return rows

    return asyncio.run(go())


async def _account(url: str, cipher: CredentialCipher, gateway: str) -> str:
    """A connection whose account reports as the sandbox's user: its webhook URL."""
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        connection = await add_connection(
            session,
            cipher,
            account="NAV Kft.",
            name="navshop",
            path="navshop",
            auth_kind="basic",
            api_user="u",
            api_secret="p",
        )
        apply_settings(connection, {**INTAKE_ON, "nav_zero_vat_case": "TAM"})
        account = await session.get(Account, connection.account_id)
        assert account is not None
        set_supplier(account, TEST_SUPPLIER)
        secrets = Secrets(USER["password"], USER["signing_key"], USER["exchange_key"])
        await set_credentials(session, cipher, account, USER["login"], "12345678-2-41", secrets)
        await session.commit()
        token = cipher.decrypt(connection.webhook_token_encrypted)
        hook = f"{gateway}/webhooks/shoprenter/{connection.id}/{token}"
    await engine.dispose()
    return hook


@pytest.fixture
def stack(tmp_path: Path, processes: Processes, databases: Databases) -> Iterator[Stack]:
    url = databases.create()
    asyncio.run(upgrade(url))
    key = Fernet.generate_key()
    bootstrap = processes.kafka(tmp_path, 4)
    ports = ("GATEWAY_PORT", "ORDER_PROCESSOR_PORT", "OUTBOX_RELAY_PORT", "NAV_REPORTER_PORT")
    nav_port = free_port()
    env = service_env(
        url,
        key,
        tmp_path,
        bootstrap,
        *ports,
        SHOPSYNC_TOPIC_PARTITIONS="4",
        NAV_URL=f"http://127.0.0.1:{nav_port}/invoiceService/v3",
        NAV_TIMEOUT_S="5",
        NAV_SETTLE_S="2",
        NAV_LEASE_S="10",
        NAV_POLL_FIRST_S="0.3",
        NAV_POLL_CAP_S="1",
        NAV_CHECK_CONCURRENCY="10",
        NAV_SWEEP_S="3600",  # the events must do it: the sweep is for a broker's lost memory
    )
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    hook = asyncio.run(_account(url, CredentialCipher(key), gateway))
    scene = Stack(env, url, f"http://127.0.0.1:{nav_port}/_nav", hook, processes, tmp_path)
    scene.start("nav-sandbox", "--port", str(nav_port))
    wait_until(lambda: _answers(scene), 30, 0.2)
    scene.nav("users", USER)
    scene.nav("settings", {"processing_delay_s": 0.2, "hang_s": 6})
    for service in ("gateway", "order-processor", "outbox-relay"):
        scene.start(service)
    for port in ports[:3]:
        wait_ready(int(env[port]), 90)
    scene.start_reporter()
    yield scene
    processes.stop_all()  # before the database goes


def _answers(stack: Stack) -> bool:
    try:
        stack.nav("stats")
    except OSError:
        return False
    return True


def place_orders(stack: Stack) -> None:
    """ORDERS orders in webhooks of 50, then CANCELLED of them cancelled (a later status)."""
    for first in range(0, ORDERS, 50):
        orders = [sample_order(f"n{n}", "1") for n in range(first, first + 50)]
        assert post_document(stack.hook_url, {"orders": {"order": orders}}) == 200
    cancels = [sample_order(f"n{n}", "7", "2025-12-02 10:00:00") for n in range(CANCELLED)]
    assert post_document(stack.hook_url, {"orders": {"order": cancels}}) == 200


def every_report_done(stack: Stack, timeout_s: float) -> list[NavReport]:
    """The reports once all ORDERS + CANCELLED are DONE (or the state at the deadline)."""
    deadline = time.monotonic() + timeout_s
    while True:
        reports = stack.reports()
        done = [r for r in reports if r.state == "done"]
        if len(done) == ORDERS + CANCELLED or time.monotonic() > deadline:
            return reports
        time.sleep(1)


def assert_each_reported_once(stack: Stack, reports: list[NavReport]) -> None:
    states = {r.state for r in reports}
    assert len(reports) == ORDERS + CANCELLED and states == {"done"}, _summary(reports)
    stats = stack.nav("stats")
    creates = stats["creates"]["12345678"]
    invoices = [r for r in reports if r.operation == "CREATE"]
    stornos = [r for r in reports if r.operation == "STORNO"]
    assert len(invoices) == ORDERS and len(stornos) == CANCELLED
    assert {creates[r.number] for r in invoices} == {1}, "an invoice CREATEd twice at NAV"
    held = set(stats["invoices"])
    assert all(f"12345678/{r.number}" in held for r in reports)
    codes = {m["error_code"] for r in reports for m in r.messages}
    assert "INVOICE_NUMBER_NOT_UNIQUE" not in codes
    finished = {r.document_id: r.finished_at for r in invoices}
    for storno in stornos:
        assert storno.invoice_document_id is not None and storno.submitted_at is not None
        invoice_done = finished[storno.invoice_document_id]
        assert invoice_done is not None and storno.submitted_at > invoice_done
    print(f"NAV requests: {stats['requests']}, transactions {stats['transactions']}")


def _summary(reports: list[NavReport]) -> str:
    counted: dict[str, int] = {}
    for report in reports:
        counted[report.state] = counted.get(report.state, 0) + 1
    return f"{len(reports)} reports: {counted}"


def test_500_invoices_and_50_stornos_are_each_done_at_nav_once_the_stornos_after_their_invoices(
    stack: Stack,
) -> None:
    started = time.monotonic()
    place_orders(stack)
    reports = every_report_done(stack, 120)
    assert_each_reported_once(stack, reports)
    wait_until(lambda: stack.metric('shopsync_nav_documents{state="done"}') == 550, 10, 0.5)
    assert stack.metric("shopsync_nav_oldest_unreported_seconds") == 0
    assert stack.metric('shopsync_nav_reports_recorded_total{source="event"}') == 550
    print(f"550 reports done {time.monotonic() - started:.1f} s after the first webhook")


def test_timeouts_5xx_and_a_reporter_killed_mid_run_still_report_each_invoice_once(
    stack: Stack,
) -> None:
    stack.nav("faults", FAULTS)
    started = time.monotonic()
    place_orders(stack)
    wait_until(lambda: sum(r.state == "done" for r in stack.reports()) >= 150, 120, 0.5)
    assert stack.reporter is not None
    os.kill(stack.reporter.pid, signal.SIGKILL)  # mid-run: requests in flight, rows sent
    stack.reporter.wait(10)
    stack.start_reporter()
    reports = every_report_done(stack, 150)
    assert_each_reported_once(stack, reports)
    resent = sum(r.submissions > 1 for r in reports)
    print(
        f"with faults and kill -9: done in {time.monotonic() - started:.1f} s; {resent} sent again"
    )


def test_two_reporters_at_once_one_killed_mid_run_still_report_each_invoice_once(
    stack: Stack,
) -> None:
    # `up --workers` / replicas: one account's reports are sent by one reporter at a time (a
    # lease); the other takes over once a killed one's lease ran out (NAV_LEASE_S=10 here).
    assert stack.reporter is not None
    second_port = str(free_port())
    with (stack.work / "nav-reporter-2.log").open("ab") as log:
        second = stack.processes.start(
            [SHOPSYNC, "nav-reporter"],
            {**stack.env, "NAV_REPORTER_PORT": second_port, "SHOPSYNC_WORKER": "2"},
            stdout=log,
            stderr=log,
        )
    wait_ready(int(second_port), 90)
    started = time.monotonic()
    place_orders(stack)
    wait_until(lambda: sum(r.state == "done" for r in stack.reports()) >= 150, 120, 0.5)
    [holder] = _query(stack.database_url, select(NavCredentials.lease_holder))
    holding = int(holder.split(":")[1])  # host:pid:random
    assert holding in (stack.reporter.pid, second.pid)
    os.kill(holding, signal.SIGKILL)  # the one working on the account, its lease left behind
    reports = every_report_done(stack, 150)
    assert_each_reported_once(stack, reports)
    print(f"two reporters, one killed: done in {time.monotonic() - started:.1f} s")


def test_a_wrong_invoice_is_aborted_with_nav_s_code_shown_and_counted_and_done_after_resend(
    stack: Stack,
) -> None:
    async def wrong_tax_number(tax_number: str) -> None:
        engine = create_engine(stack.database_url)
        async with session_factory(engine)() as session:
            connection = (await session.execute(select(ShopConnection))).scalar_one()
            account = await session.get(Account, connection.account_id)
            assert account is not None
            set_supplier(account, {"tax_number": tax_number})
            await session.commit()
        await engine.dispose()

    asyncio.run(wrong_tax_number("87654321-2-41"))  # the operator's typo
    assert post_document(stack.hook_url, {"orders": {"order": [sample_order("w1")]}}) == 200
    wait_until(lambda: [r.state for r in stack.reports()] == ["aborted"], 60, 0.5)
    [document] = stack.documents()
    shown = _cli(stack, "documents", "show", str(document.id))
    assert "aborted" in shown and "SUPPLIER_TAX_NUMBER_MISMATCH" in shown
    code = 'shopsync_nav_aborted_documents{code="SUPPLIER_TAX_NUMBER_MISMATCH"}'
    wait_until(lambda: stack.metric(code) == 1, 10, 0.5)
    assert stack.metric("shopsync_nav_oldest_unreported_seconds") > 0

    asyncio.run(wrong_tax_number("12345678-2-41"))  # fixed
    _cli(stack, "nav", "resend", str(document.id))
    wait_until(lambda: [r.state for r in stack.reports()] == ["done"], 60, 0.5)
    wait_until(lambda: stack.metric(code) == 0, 10, 0.5)
    assert "done" in _cli(stack, "documents", "show", str(document.id))


def _cli(stack: Stack, *args: str) -> str:
    out = subprocess.run(
        [SHOPSYNC, *args], env=stack.env, capture_output=True, text=True, timeout=60, check=True
    )
    return out.stdout
