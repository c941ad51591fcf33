"""The whole stack as a newcomer runs it: `make run`, a shop, Shoprenter's webhook, documents."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.nav_check import check_nav_exports
from tests.support import (
    ROOT,
    SAMPLE_WEBHOOK,
    create_pg_database,
    drop_pg_database,
    free_port,
    multipart_body,
    wait_until,
)

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")


def processes_with(marker: str) -> list[int]:
    """Pids whose environment carries marker: every process the stack started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def cli(env: dict[str, str], *args: str) -> Any:
    out = subprocess.run(
        [SHOPSYNC, *args], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout) if "--json" in args else out.stdout


def post_sample(url: str) -> int:
    body, content_type = multipart_body("data", SAMPLE_WEBHOOK.read_bytes())
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "User-Agent": "ShopRenter"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


@pytest.fixture(params=["sqlite", "postgresql"])
def stack_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The embedded default (SQLite file under var/) and PostgreSQL, each on its own ports."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }
    env.update(
        {
            "SHOPSYNC_VAR_DIR": str(tmp_path / "var"),
            "EMBEDDED_KAFKA_PORT": str(free_port()),
            "GATEWAY_PORT": str(free_port()),
            "ORDER_PROCESSOR_PORT": str(free_port()),
            "ORDER_MAILER_PORT": str(free_port()),
            "OUTBOX_RELAY_PORT": str(free_port()),
            "CATALOG_SYNC_PORT": str(free_port()),
            "STOCK_SYNC_PORT": str(free_port()),
            "CONSOLE_PORT": str(free_port()),
            "SANDBOX_PORT": str(free_port()),
            "NAV_REPORTER_PORT": str(free_port()),
            "NAV_SANDBOX_PORT": str(free_port()),
            "SHOPSYNC_E2E_MARKER": tmp_path.name,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
    )
    if request.param == "sqlite":
        yield env
        sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'shopsync.db'}"
        asyncio.run(check_nav_exports(sqlite_url, "e2e make run (SQLite)"))
        return
    name, url = asyncio.run(create_pg_database())
    env["DATABASE_URL"] = url
    yield env
    try:
        asyncio.run(check_nav_exports(url, "e2e make run (PostgreSQL)"))
    finally:
        asyncio.run(drop_pg_database(name))


@pytest.fixture
def make_run(
    stack_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    log: list[str] = []
    started = time.monotonic()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=stack_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        log.append(line)
        if "ShopSync is ready" in line:
            break
    # Keep reading: a full pipe would block the stack's output, and the tests read the log.
    reader = threading.Thread(target=lambda: log.extend(proc.stdout or []), daemon=True)
    reader.start()
    try:
        elapsed = time.monotonic() - started
        assert any("ShopSync is ready" in line for line in log), "".join(log[-40:])
        assert elapsed < 60, f"make run took {elapsed:.1f} s to be ready"
        yield proc, log
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        for pid in processes_with(stack_env["SHOPSYNC_E2E_MARKER"]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=10)  # the pipe ends once every process holding it is gone
        if proc.stdout is not None:
            proc.stdout.close()


def demo_written_back(env: dict[str, str]) -> dict[str, Any] | None:
    """A demo document whose write-back is done, if one is yet."""
    for listed in cli(env, "documents", "list", "--connection", "demo", "--json"):
        shown: dict[str, Any] = cli(env, "documents", "show", str(listed["id"]), "--json")
        if (shown.get("writeback") or {}).get("state") == "done":
            return shown
    return None


def test_make_run_turns_the_sample_webhook_into_one_document_and_sigterm_ends_everything(
    make_run: tuple[subprocess.Popen[str], list[str]], stack_env: dict[str, str]
) -> None:
    proc, _ = make_run
    added = cli(
        stack_env,
        "shops",
        "add",
        "sample",
        "--path",
        "demo",
        "--api-user",
        "u",
        "--api-secret",
        "hunter2-secret",
    )
    assert "every feature is off" in added and "orders_auto_accept=true" in added
    shown = cli(stack_env, "shops", "show", "sample", "--json")
    assert "hunter2-secret" not in json.dumps(shown)
    assert post_sample(shown["webhook_url"]) == 200  # acknowledged, and nothing is issued

    # The commands `shops add` printed, with the shop's own status ids (the sample is "1").
    cli(
        stack_env,
        "shops",
        "set",
        "sample",
        "orders_cancel_status_ids=[7]",
        "orders_status_rules={1: invoice}",
    )
    cli(stack_env, "shops", "set", "sample", "orders_enabled=true", "orders_auto_accept=true")
    time.sleep(1.0)  # the gateway notices a changed connection within 0.5 s
    assert post_sample(shown["webhook_url"]) == 200
    # A generous bound, not a latency figure: CI shares two cores with the whole stack.
    documents = wait_until(
        lambda: cli(stack_env, "documents", "list", "--connection", "sample", "--json"),
        timeout_s=30,
    )
    assert [(d["order_ref"], d["kind"], d["total_gross"]) for d in documents] == [
        ("190", "invoice", "11206")
    ]

    assert post_sample(shown["webhook_url"]) == 200
    time.sleep(3)
    assert len(cli(stack_env, "documents", "list", "--connection", "sample", "--json")) == 1

    # The demo shop on the sandbox places orders and fires real webhooks: they land too.
    demo_documents = wait_until(
        lambda: cli(stack_env, "documents", "list", "--connection", "demo", "--json"),
        timeout_s=20,
    )
    assert {d["kind"] for d in demo_documents} <= {"proforma", "invoice"}
    # No PUBLIC_BASE_URL of the operator's: the demo's documents are still written back onto
    # the sandbox shop's orders, with links to the local gateway that serve their PDFs.
    written = wait_until(lambda: demo_written_back(stack_env), timeout_s=60, interval_s=1.0)
    assert written["writeback"]["order_invoice_id"]

    # Every service answers Prometheus's scrape, and none leaks the connection's secret.
    services = ("GATEWAY", "ORDER_PROCESSOR", "ORDER_MAILER", "OUTBOX_RELAY", "CATALOG_SYNC")
    for service in (*services, "STOCK_SYNC"):
        url = f"http://127.0.0.1:{stack_env[f'{service}_PORT']}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200, service
            assert response.headers["Content-Type"].startswith("text/plain"), service
            scraped = response.read().decode()
        assert "# TYPE shopsync_" in scraped, service
        assert "hunter2-secret" not in scraped, service

    marker = stack_env["SHOPSYNC_E2E_MARKER"]
    assert len(processes_with(marker)) >= 6  # up, broker and four services (make too)
    os.kill(proc.pid, signal.SIGTERM)  # the make process only, as a user's `kill` would
    wait_until(lambda: not processes_with(marker), timeout_s=30)


@pytest.mark.parametrize("stack_env", ["sqlite"], indirect=True)
def test_a_service_killed_under_load_is_restarted_and_every_acknowledged_order_lands_once(
    make_run: tuple[subprocess.Popen[str], list[str]], stack_env: dict[str, str]
) -> None:
    proc, log = make_run
    url = invoicing_shop(stack_env, "s")
    marker = stack_env["SHOPSYNC_E2E_MARKER"]
    acknowledged: list[str] = []

    def load() -> None:
        for n in range(400):
            if post_order(url, f"k{n}"):
                acknowledged.append(f"k{n}")
            time.sleep(1 / 40)

    sender = threading.Thread(target=load)
    sender.start()
    time.sleep(3)
    [processor] = [p for p in processes_with(marker) if b"order-processor" in _cmdline(p)]
    os.kill(processor, signal.SIGKILL)
    sender.join()
    assert len(acknowledged) == 400  # the gateway and the broker kept going

    def landed() -> list[dict[str, Any]]:
        documents = cli(
            stack_env, "documents", "list", "--connection", "s", "--limit", "1000", "--json"
        )
        return documents if len(documents) >= len(acknowledged) else []

    documents = wait_until(landed, 120, 1.0)
    assert sorted(d["order_ref"] for d in documents) == sorted(acknowledged)  # once each
    assert sorted(int(d["number"].split("-")[1]) for d in documents) == list(range(1, 401))
    restarted = "".join(log)
    assert "order-processor was killed by SIGKILL; restarting" in restarted
    assert proc.poll() is None  # the stack is still up


def invoicing_shop(env: dict[str, str], name: str) -> str:
    """A shop connected and switched on as `shops add` says (every status an invoice)."""
    cli(env, "shops", "add", name, "--path", name, "--api-user", "u", "--api-secret", "p")
    cli(env, "shops", "set", name, "orders_cancel_status_ids=[7]", "orders_default_kind=invoice")
    cli(env, "shops", "set", name, "orders_enabled=true", "orders_auto_accept=true")
    time.sleep(1.0)  # the gateway notices a changed connection within 0.5 s
    return str(cli(env, "shops", "show", name, "--json")["webhook_url"])


def post_order(url: str, order_id: str) -> bool:
    """The sample webhook as order `order_id`; True when the gateway acknowledged it."""
    document = json.loads(SAMPLE_WEBHOOK.read_text())
    document["orders"]["order"][0]["innerId"] = order_id
    body, content_type = multipart_body("data", json.dumps(document).encode())
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.parametrize("stack_env", ["sqlite"], indirect=True)
def test_the_embedded_broker_killed_is_restarted_the_services_resume_and_sigterm_ends_all(
    make_run: tuple[subprocess.Popen[str], list[str]], stack_env: dict[str, str]
) -> None:
    proc, log = make_run
    url = invoicing_shop(stack_env, "b")
    port = stack_env["EMBEDDED_KAFKA_PORT"].encode()
    [broker] = [
        p
        for p in processes_with(stack_env["SHOPSYNC_E2E_MARKER"])
        if b"tansu" in _cmdline(p) and port in _cmdline(p)
    ]
    os.kill(broker, signal.SIGKILL)
    wait_until(lambda: "broker: restarted empty" in "".join(log), 60, 0.5)
    assert "broker was killed by SIGKILL; restarting" in "".join(log)

    # The services find the new broker: a webhook sent now becomes a document.
    wait_until(lambda: post_order(url, "after-1"), 90, 1.0)
    documents = wait_until(
        lambda: cli(stack_env, "documents", "list", "--connection", "b", "--json"), 90, 1.0
    )
    assert [d["order_ref"] for d in documents] == ["after-1"]
    marker = stack_env["SHOPSYNC_E2E_MARKER"]
    os.kill(proc.pid, signal.SIGTERM)
    wait_until(lambda: not processes_with(marker), 40, 0.5)  # nothing left behind
