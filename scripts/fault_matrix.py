"""`make faults`: steady webhooks and shop sync, one fault per scenario, a table of what held.

Each scenario gets a fresh database on a private PostgreSQL (initdb/pg_ctl in a temporary
directory, never the machine's shared server), a Shoprenter sandbox, an SMTP sink and
`shopsync up` on the embedded broker. 20 webhooks/s arrive for LOAD_S seconds; the fault is
injected after FAULT_AT_S; then the run waits until documents stop coming. Per row: webhooks
acknowledged (200), documents, lost (acknowledged, no document), doubled (two invoices for
one order), number gaps, local stock off by, shop stock off by (stock upload), e-mails not
sent, dead letters, and recovery (fault → every /readyz 200 again).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")
PG_BIN = next(Path("/usr/lib/postgresql").glob("*/bin"))
LOAD_S = float(os.environ.get("FAULTS_LOAD_S", "20"))
FAULT_AT_S = 5.0
RATE = 20
SKU = "FM-1"
STOCK = 100_000
SERVICES = (
    "gateway",
    "order-processor",
    "order-mailer",
    "outbox-relay",
    "catalog-sync",
    "stock-sync",
)
SERVICE_PORTS = (
    "GATEWAY_PORT",
    "ORDER_PROCESSOR_PORT",
    "ORDER_MAILER_PORT",
    "OUTBOX_RELAY_PORT",
    "CATALOG_SYNC_PORT",
    "STOCK_SYNC_PORT",
    "CONSOLE_PORT",
    "NAV_REPORTER_PORT",
)
SAMPLE = ROOT / "tests" / "fixtures" / "webhook_order_status_change.json"
LOGS = ROOT / "var" / "faults"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL of our own: the one scenario restarts it under load."""

    def __init__(self, work: Path) -> None:
        self.dir = work / "pg"
        self.port = free_port()
        self.dir.mkdir()
        shutil.chown(work, "postgres")
        shutil.chown(self.dir, "postgres")
        self._pg("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres")

    def _pg(self, tool: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(PG_BIN / tool), *args]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg(
            "pg_ctl", "-D", str(self.dir), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    async def create(self, name: str) -> None:
        admin = await asyncpg.connect(self.url("postgres"))
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


@dataclass
class Run:
    """One scenario's stack and what it saw."""

    work: Path
    pg: PrivatePostgres
    database: str
    env: dict[str, str] = field(default_factory=dict)
    up: subprocess.Popen[str] | None = None
    sandbox: subprocess.Popen[bytes] | None = None
    smtp: Controller | None = None
    sink: Sink = field(default_factory=Sink)
    log: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    refused: int = 0
    webhook_url: str = ""
    fault_at: float = 0.0
    recovered_at: float = 0.0
    workers: str = ""  # `shopsync up --workers …`
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)  # workers that joined

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [SHOPSYNC, *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        if out.returncode:
            raise RuntimeError(f"shopsync {' '.join(args)}: {out.stderr or out.stdout}")
        return out.stdout

    def sandbox_call(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.env['SANDBOX_PORT']}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def start(self) -> None:
        ports = {
            name: str(free_port())
            for name in (
                *SERVICE_PORTS,
                "SANDBOX_PORT",
                "EMBEDDED_KAFKA_PORT",
                "SMTP_PORT",
            )
        }
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"},
            **ports,
            "DATABASE_URL": self.pg.url(self.database),
            "SHOPSYNC_VAR_DIR": str(self.work / "var"),
            "SYNC_TICK_INTERVAL_S": "10",
            "LOG_LEVEL": os.environ.get("FAULTS_LOG_LEVEL", "WARNING"),
        }
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=int(ports["SMTP_PORT"]))
        self.smtp.start()
        self.sandbox = subprocess.Popen(
            [SHOPSYNC, "sandbox", "--port", ports["SANDBOX_PORT"]],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.up = subprocess.Popen(
            [SHOPSYNC, "up", *(["--workers", self.workers] if self.workers else [])],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert self.up.stdout is not None
        for line in self.up.stdout:
            self.log.append(line)
            if "ShopSync is ready" in line:
                break
        else:
            raise RuntimeError("shopsync up did not start:\n" + "".join(self.log[-30:]))
        output = self.up.stdout
        threading.Thread(target=lambda: self.log.extend(output), daemon=True).start()
        self._connect()

    def _connect(self) -> None:
        self.sandbox_call("/_sandbox/shops", {"name": "fm", "user": "u", "password": "p"})
        product = {"sku": SKU, "name": "Tea", "price": "1000", "taxRate": "27", "stock1": "0"}
        self.sandbox_call("/_sandbox/shops/fm/products", {"products": [product]})
        self.cli("warehouses", "add", "W")
        self.cli("products", "add", SKU, "--name", "Tea", "--vat-rate", "27")
        self.cli("stock", "set", SKU, "W", str(STOCK))
        base = f"http://127.0.0.1:{self.env['SANDBOX_PORT']}/fm"
        self.cli(
            "shops",
            "add",
            "fm",
            "--path",
            "fm",
            "--api-user",
            "u",
            "--api-secret",
            "p",
            "--api-url",
            base,
        )
        self.cli(
            "shops",
            "set",
            "fm",
            "orders_cancel_status_ids=[7]",
            "orders_default_kind=invoice",
            "orders_email=true",
            "orders_stock_enabled=true",
            "orders_stock_warehouse_id=1",
            "stock_mode=upload",
            "stock_upload_warehouse_ids=[1]",
            "products_download_enabled=true",
            "products_interval_s=60",
        )
        self.cli(  # an invoice's PDF (and so its e-mail) waits for the seller's data
            "account",
            "set",
            "default",
            "--name",
            "Hibatűrő Kft.",
            "--tax-number",
            "12345678-2-41",
            "--postcode",
            "1037",
            "--city",
            "Budapest",
            "--address",
            "Bécsi út 52.",
        )
        self.cli(
            "shops",
            "set",
            "fm",
            "orders_enabled=true",
            "orders_auto_accept=true",
            "stock_enabled=true",
        )
        self.webhook_url = json.loads(self.cli("shops", "show", "fm", "--json"))["webhook_url"]
        time.sleep(1.0)

    def load(self, inject: Callable[[Run], None]) -> None:
        """RATE webhooks a second for LOAD_S seconds; the fault after FAULT_AT_S."""
        started = time.monotonic()
        injected = False
        document = json.loads(SAMPLE.read_text())
        product = document["orders"]["order"][0]["orderProducts"]["orderProduct"]
        product[:] = [{**product[0], "sku": SKU, "quantity": "1", "taxRate": "27.0000"}]
        # 945 net at 27 % is 1 200 gross, with the sample's 1 006 shipping: the shop's total.
        document["orders"]["order"][0]["totalGross"] = "2206"
        n = 0
        while time.monotonic() - started < LOAD_S:
            if not injected and time.monotonic() - started >= FAULT_AT_S:
                threading.Thread(target=inject, args=(self,), daemon=True).start()
                self.fault_at, injected = time.monotonic(), True
                threading.Thread(target=self._watch_recovery, daemon=True).start()
            order_id = f"fm-{n}"
            document["orders"]["order"][0]["innerId"] = order_id
            document["orders"]["order"][0]["email"] = "buyer@example.hu"
            if self._post(document):
                self.accepted.append(order_id)
            n += 1
            time.sleep(max(0.0, started + n / RATE - time.monotonic()))

    def _post(self, document: dict[str, Any]) -> bool:
        boundary = "fm-boundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'.encode()
            + json.dumps(document).encode()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.webhook_url,
            data=body,
            method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 200
        except OSError:
            self.refused += 1
            return False

    def _watch_recovery(self) -> None:
        """Seconds from the fault until every service is ready again (0: never unready)."""
        time.sleep(0.5)
        while time.monotonic() - self.fault_at < 150 and not self.ready():
            time.sleep(0.25)
        self.recovered_at = time.monotonic()

    def ready(self) -> bool:
        for name in SERVICE_PORTS:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.env[name]}/readyz", timeout=2):
                    pass
            except OSError:
                return False
        return True

    def stop(self) -> None:
        for worker in self.extra:
            worker.terminate()
            worker.wait(30)
        if self.up is not None and self.up.poll() is None:
            self.up.send_signal(signal.SIGTERM)
            try:
                self.up.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.up.pid, signal.SIGKILL)
        if self.sandbox is not None:
            self.sandbox.terminate()
            self.sandbox.wait()
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.stop()

    def pid_of(self, service: str) -> int | None:
        marker = f"shopsync.entrypoints.cli.main {service}".encode()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if (
                        marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                        and self.env["SHOPSYNC_VAR_DIR"].encode()
                        in (entry / "environ").read_bytes()
                    ):
                        return int(entry.name)
        return None


# ---- measuring ------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    accepted: int = 0
    documents: int = 0
    lost: int = 0
    doubled: int = 0
    gaps: int = 0
    stock_off: int = 0
    shop_stock_off: int = 0
    mails_unsent: int = 0
    dead_letters: int = 0
    recovery_s: float = 0.0
    expected_loss: str = ""

    @property
    def verdict(self) -> str:
        clean = self.lost >= 0 and not (
            self.lost
            or self.doubled
            or self.gaps
            or self.stock_off
            or self.shop_stock_off
            or self.mails_unsent
        )
        if clean:
            return "ok"
        return f"FAIL ({self.expected_loss})" if self.expected_loss else "FAIL"


async def measure(run: Run, row: Row) -> None:
    conn = await asyncpg.connect(run.pg.url(run.database))
    try:
        rows = await conn.fetch(
            "SELECT order_ref, number FROM documents WHERE kind = 'invoice' AND status = 'live'"
        )
        orders = [r["order_ref"] for r in rows]
        numbers = sorted(
            r["number"]
            for r in await conn.fetch(
                "SELECT number FROM documents WHERE number IS NOT NULL AND kind <> 'proforma'"
            )
        )
        level = await conn.fetchval(
            "SELECT l.quantity FROM stock_levels l JOIN products p ON p.id = l.product_id "
            "WHERE p.sku = $1",
            SKU,
        )
        mails = await conn.fetchval("SELECT count(*) FROM documents WHERE email_status <> 'sent'")
        row.dead_letters = await conn.fetchval("SELECT count(*) FROM dead_letters")
    finally:
        await conn.close()
    row.accepted = len(run.accepted)
    row.documents = len(set(orders))
    row.lost = len(set(run.accepted) - set(orders))
    row.doubled = len(orders) - len(set(orders))
    row.gaps = (numbers[-1] - len(numbers)) if numbers else 0
    row.stock_off = abs(int(STOCK - len(set(orders)) - int(level or 0)))
    row.shop_stock_off = abs(int(level or 0) - shop_stock(run))
    row.mails_unsent = int(mails)


def shop_stock(run: Run) -> int:
    """The shop's stock1 of the SKU, read through the sandbox's admin door (no budget spent)."""
    url = f"http://127.0.0.1:{run.env['SANDBOX_PORT']}/_sandbox/shops/fm/stock"
    with (
        contextlib.suppress(OSError, ValueError, KeyError, TypeError),
        urllib.request.urlopen(url, timeout=10) as response,
    ):
        return int(float(json.loads(response.read())[SKU]["stock1"] or 0))
    return -1


def settle(run: Run, row: Row, limit_s: float = 240.0) -> None:
    """Wait until every service is ready, documents stopped coming and e-mails went out."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and not run.recovered_at:
        time.sleep(0.5)
    row.recovery_s = max((run.recovered_at or time.monotonic()) - run.fault_at - 0.5, 0.0)
    last, still = -1, 0
    while time.monotonic() < deadline:
        asyncio.run(measure(run, row))
        still = still + 1 if row.documents == last else 0
        last = row.documents
        documents_done = row.documents >= row.accepted - row.dead_letters or still >= 15
        if documents_done and not row.mails_unsent and not row.shop_stock_off:
            return
        time.sleep(1.0)


# ---- the faults --------------------------------------------------------------------------------


def kill(service: str) -> Callable[[Run], None]:
    def inject(run: Run) -> None:
        pid = run.pid_of(service)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)

    return inject


def join_processor(run: Run) -> None:
    """A second order processor joins the group under load (its own port and datadir)."""
    env = {**run.env, "ORDER_PROCESSOR_PORT": str(free_port()), "SHOPSYNC_WORKER": "2"}
    worker = subprocess.Popen(
        [SHOPSYNC, "order-processor"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    run.extra.append(worker)


def kill_broker(run: Run) -> None:
    marker = run.env["EMBEDDED_KAFKA_PORT"].encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                line = (entry / "cmdline").read_bytes()
                if b"tansu" in line and marker in line:
                    os.kill(int(entry.name), signal.SIGKILL)


def restart_postgres(run: Run) -> None:
    run.pg.stop()
    time.sleep(3)
    run.pg.start()


def shop_fault(**fault: Any) -> Callable[[Run], None]:
    def inject(run: Run) -> None:
        # Every order moves the SKU's stock, which stock sync pushes to the shop meanwhile.
        run.sandbox_call("/_sandbox/shops/fm/faults", fault)
        if "latency_ms" in fault or "throttle_next" in fault:  # a storm of 30 s
            time.sleep(30)
            run.sandbox_call("/_sandbox/shops/fm/faults", {"latency_ms": 0, "throttle_next": 0})

    return inject


def smtp_down(run: Run) -> None:
    assert run.smtp is not None
    run.smtp.stop()
    time.sleep(60)
    run.smtp = Controller(run.sink, hostname="127.0.0.1", port=int(run.env["SMTP_PORT"]))
    run.smtp.start()


def poison(run: Run) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(run.pg.url(run.database))
        await conn.execute(
            "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
            "IF NEW.order_ref = 'fm-150' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql; CREATE TRIGGER refuse BEFORE INSERT ON "
            "documents FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
        await conn.close()

    asyncio.run(go())


def nothing(run: Run) -> None:
    return None


RECONCILIATION = "waits for order reconciliation: events on the memory broker are lost"
SCENARIOS: list[tuple[str, Callable[[Run], None], str]] = [
    ("no fault", nothing, ""),
    *[(f"kill -9 {s}", kill(s), "") for s in SERVICES],
    ("broker killed, restarted", kill_broker, RECONCILIATION),
    ("PostgreSQL restarted", restart_postgres, ""),
    ("shop: 429 for 30 s", shop_fault(throttle_next=1_000_000), ""),
    ("shop: 503 burst", shop_fault(fail_next=60), ""),
    ("shop: dropped connections", shop_fault(drop_next=30), ""),
    ("shop: 10 s latency", shop_fault(latency_ms=10_000), ""),
    ("SMTP down for a minute", smtp_down, ""),
    ("poison order in a busy batch", poison, ""),
    ("2 processors: kill -9 one", kill("order-processor"), ""),
    ("a second processor joins", join_processor, ""),
]
#: Scenarios run with more workers than one per service (`shopsync up --workers`).
WORKERS = {"2 processors: kill -9 one": "order-processor=2"}


def scenario(
    work: Path, pg: PrivatePostgres, n: int, name: str, inject: Callable[[Run], None], expected: str
) -> Row:
    database = f"faults_{n}"
    asyncio.run(pg.create(database))
    run = Run(work / database, pg, database, workers=WORKERS.get(name, ""))
    run.work.mkdir()
    row = Row(name, expected_loss=expected)
    try:
        run.start()
        run.load(inject)
        settle(run, row)
        if name.startswith("poison"):
            row.lost -= row.dead_letters  # the refused order is kept as a dead letter, not lost
    except Exception as exc:  # a scenario that breaks the harness is a failing row, not a crash
        row.expected_loss = f"harness: {exc!r}"[:120]
        row.lost = -1
    finally:
        run.stop()
        if row.verdict != "ok":  # what the stack said, for whoever looks into the row
            LOGS.mkdir(parents=True, exist_ok=True)
            (LOGS / f"{n:02d}.log").write_text("".join(run.log))
            row.expected_loss = row.expected_loss or f"log: {LOGS / f'{n:02d}.log'}"
    return row


def table(rows: list[Row]) -> str:
    head = [
        "scenario",
        "200s",
        "documents",
        "lost",
        "doubled",
        "gaps",
        "stock Δ",
        "shop Δ",
        "mails unsent",
        "dead letters",
        "recovery s",
        "verdict",
    ]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        lines.append(
            " | ".join(
                str(v)
                for v in (
                    r.scenario,
                    r.accepted,
                    r.documents,
                    r.lost,
                    r.doubled,
                    r.gaps,
                    r.stock_off,
                    r.shop_stock_off,
                    r.mails_unsent,
                    r.dead_letters,
                    f"{r.recovery_s:.1f}",
                    r.verdict,
                )
            )
        )
    return "\n".join(lines)


def main() -> int:
    only = set(sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="shopsync-faults-"))
    pg = PrivatePostgres(work)
    pg.start()
    rows: list[Row] = []
    try:
        for n, (name, inject, expected) in enumerate(SCENARIOS):
            if only and not any(o in name for o in only):
                continue
            print(f"== {name}", flush=True)
            rows.append(scenario(work, pg, n, name, inject, expected))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    finally:
        with contextlib.suppress(Exception):
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(rows))
    failing = [r for r in rows if r.verdict != "ok" and not r.expected_loss.startswith("waits")]
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
