"""Webhook → gateway → Kafka → order processor → PostgreSQL, e-mail and stock: real processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from confluent_kafka import Producer
from cryptography.fernet import Fernet
from sqlalchemy import select

from services.webhook_gateway.events import event_key, order_event
from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.migrate import upgrade
from shopsync.adapters.db.models import (
    Account,
    Document,
    DocumentLine,
    ProcessedEvent,
    Product,
    ShopConnection,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.contracts import encode
from shopsync.adapters.kafka.producer import producer_config
from shopsync.adapters.kafka.topics import ORDER_EVENTS, topic_specs
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.invoice_figures import amount_text, rate_text
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.e2e.conftest import Databases, Processes
from tests.nav_check import TEST_SUPPLIER
from tests.pdf_tools import pdf_text
from tests.support import (
    INTAKE_ON,
    SAMPLE_WEBHOOK,
    free_port,
    multipart_body,
    stop_process,
    unique,
    wait_until,
)

NAV_NS = {"d": "http://schemas.nav.gov.hu/OSA/3.0/data"}

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # As a mail client reads it: encoded-word headers (a Hungarian subject) decoded.
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@dataclass
class Pipeline:
    env: dict[str, str]
    database_url: str
    gateway_url: str
    inbox: Inbox
    cipher: CredentialCipher
    processor: subprocess.Popen[bytes]
    processes: Processes
    broker: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> Any:
        out = subprocess.run(
            [SHOPSYNC, *args], env=self.env, capture_output=True, text=True, timeout=60, check=True
        )
        return json.loads(out.stdout) if "--json" in args else out.stdout

    def start_processor(self) -> None:
        self.processor = spawn(self.processes, "order-processor", self.env)
        wait_ready(int(self.env["ORDER_PROCESSOR_PORT"]))

    def query(self, statement: Any) -> list[Any]:
        async def go() -> list[Any]:
            engine = create_engine(self.database_url)
            async with session_factory(engine)() as session:
                rows = list((await session.execute(statement)).scalars())
            await engine.dispose()
            return rows

        return asyncio.run(go())

    def supply(self, connection_id: int) -> None:
        """The connection's account gets the test supplier's data (NAV needs it)."""

        async def go() -> None:
            engine = create_engine(self.database_url)
            async with session_factory(engine)() as session:
                connection = await session.get(ShopConnection, connection_id)
                assert connection is not None
                account = await session.get(Account, connection.account_id)
                assert account is not None
                set_supplier(account, TEST_SUPPLIER)
                await session.commit()
            await engine.dispose()

        asyncio.run(go())

    def connect(self, **settings: Any) -> tuple[int, str, int]:
        """A new connection with a warehouse holding 10 of SKU 996000004: (id, url, warehouse)."""

        async def go() -> tuple[int, str, int]:
            engine = create_engine(self.database_url)
            async with session_factory(engine)() as session:
                connection = await add_connection(
                    session,
                    self.cipher,
                    account=unique("Bolt "),
                    name="shop",
                    path="shop",
                    auth_kind="basic",
                    api_user="u",
                    api_secret="p",
                )
                warehouse = Warehouse(account_id=connection.account_id, name="Fő raktár")
                product = Product(account_id=connection.account_id, sku="996000004", name="Tulips")
                session.add_all([warehouse, product])
                await session.flush()
                session.add(
                    StockLevel(
                        warehouse_id=warehouse.id, product_id=product.id, quantity=Decimal(10)
                    )
                )
                apply_settings(
                    connection,
                    {
                        **INTAKE_ON,
                        "orders_stock_enabled": True,
                        "orders_stock_warehouse_id": warehouse.id,
                        **settings,
                    },
                )
                await session.commit()
                token = self.cipher.decrypt(connection.webhook_token_encrypted)
                result = (
                    connection.id,
                    f"{self.gateway_url}/webhooks/shoprenter/{connection.id}/{token}",
                    warehouse.id,
                )
            await engine.dispose()
            return result

        return asyncio.run(go())


def spawn(processes: Processes, command: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return processes.start(
        [SHOPSYNC, command], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_ready(port: int, timeout_s: float = 60) -> None:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    wait_until(ready, timeout_s, 0.2)


def sample_order(order_id: str, status: str = "1", when: str = "2025-12-01 20:57:40") -> Any:
    order = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    order["innerId"] = order_id
    order["orderHistory"] = {"status": status, "statusText": "x", "dateAdded": when}
    return order


def post_order(
    url: str,
    order_id: str,
    status: str = "1",
    when: str = "2025-12-01 20:57:40",
    sku: str | None = None,
    **fields: Any,
) -> int:
    order = sample_order(order_id, status, when) | fields
    if sku is not None:
        order["orderProducts"]["orderProduct"][1]["sku"] = sku
    return post_document(url, {"orders": {"order": [order]}})


def post_document(url: str, document: Any) -> int:
    body, content_type = multipart_body("data", json.dumps(document).encode())
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


@pytest.fixture(scope="module")
def pipeline(
    tmp_path_factory: pytest.TempPathFactory,
    module_processes: Processes,
    module_databases: Databases,
) -> Iterator[Pipeline]:
    work = tmp_path_factory.mktemp("pipeline")
    broker_port = free_port()
    broker = module_processes.broker(broker_port, work / "broker.log")
    bootstrap = f"127.0.0.1:{broker_port}"
    ensure_topics(bootstrap, topic_specs(4))
    url = module_databases.create()
    asyncio.run(upgrade(url))
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    key = Fernet.generate_key()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(work),
        "GATEWAY_PORT": str(free_port()),
        "ORDER_PROCESSOR_PORT": str(free_port()),
        "ORDER_MAILER_PORT": str(free_port()),
        "OUTBOX_RELAY_PORT": str(free_port()),
        "SMTP_PORT": str(smtp_port),
        "SHOPSYNC_TOPIC_PARTITIONS": "4",
    }
    for service in ("gateway", "order-mailer", "outbox-relay"):
        spawn(module_processes, service, env)
    wait_ready(int(env["GATEWAY_PORT"]))
    wait_ready(int(env["ORDER_MAILER_PORT"]))
    line = Pipeline(
        env,
        url,
        f"http://127.0.0.1:{env['GATEWAY_PORT']}",
        inbox,
        CredentialCipher(key),
        spawn(module_processes, "order-processor", env),
        module_processes,
    )
    wait_ready(int(env["ORDER_PROCESSOR_PORT"]))
    line.broker = broker
    yield line
    module_processes.stop_all()  # before the database goes (the fixtures' own teardown)
    smtp.stop()


def documents_of(pipeline: Pipeline, connection_id: int) -> list[Document]:
    return pipeline.query(
        select(Document).where(Document.connection_id == connection_id).order_by(Document.id)
    )


def test_webhook_becomes_an_invoice_and_an_email_with_the_pdf(pipeline: Pipeline) -> None:
    # The PDF shows what an invoice must (the supplier's data, the ground of 0 % lines): given
    # first, or the e-mail waits for them.
    connection_id, url, _ = pipeline.connect(orders_email=True, nav_zero_vat_case="TAM")
    pipeline.supply(connection_id)
    assert post_order(url, "1001") == 200
    invoice = wait_until(lambda: documents_of(pipeline, connection_id), 10)[0]
    assert (invoice.kind, invoice.total_gross) == ("invoice", Decimal(11206))

    def mailed() -> list[Message]:
        return [
            m for m in pipeline.inbox.messages if str(invoice.document_number) in str(m["Subject"])
        ]

    message = wait_until(mailed, 15)[0]
    assert "application/pdf" in [p.get_content_type() for p in message.walk()]

    port = pipeline.env["ORDER_PROCESSOR_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    assert 'shopsync_documents_total{kind="invoice",outcome="issued"}' in metrics
    age_count = [
        m for m in metrics.splitlines() if m.startswith("shopsync_order_event_age_seconds_count")
    ]
    assert age_count and float(age_count[0].split()[-1]) >= 1
    lags = [m for m in metrics.splitlines() if m.startswith("shopsync_order_consumer_lag{")]
    assert lags and all(float(m.split()[-1]) >= 0 for m in lags)

    def relayed() -> float:  # the outbox relay, its own process, sent the DocumentIssued
        relay_port = pipeline.env["OUTBOX_RELAY_PORT"]
        with urllib.request.urlopen(f"http://127.0.0.1:{relay_port}/metrics", timeout=5) as r:
            lines = r.read().decode().splitlines()
        return sum(
            float(m.split()[-1]) for m in lines if m.startswith("shopsync_outbox_relayed_total")
        )

    assert wait_until(relayed, 10) >= 1


def test_a_coupon_and_a_cart_discount_over_27_and_5_percent_goods_are_split_by_rate(
    pipeline: Pipeline,
) -> None:
    connection_id, url, _ = pipeline.connect(nav_zero_vat_case="TAM")
    pipeline.supply(connection_id)
    order = sample_order("1501")
    order["orderProducts"]["orderProduct"][1]["taxRate"] = "5.0000"  # 9 000 net: 9 450 gross
    # Goods 1 200 (27 %) + 9 450 (5 %), shipping 1 006, coupon −1 000, cart discount −1 065.
    charges = {"couponCode": "NYAR", "couponGrossPrice": "-1000", "cartAmountDiscount": "1065"}
    assert post_document(url, {"orders": {"order": [order | charges | {"totalGross": "9591"}]}})
    invoice = wait_until(lambda: documents_of(pipeline, connection_id), 10)[0]
    assert (invoice.kind, invoice.total_gross) == ("invoice", Decimal(9591))
    lines = pipeline.query(
        select(DocumentLine).where(DocumentLine.document_id == invoice.id).order_by(DocumentLine.id)
    )
    discounts = [(x.name, x.vat_rate, x.gross) for x in lines if x.line_kind == "discount"]
    # 1 000 × 1 200 / 10 650 = 112.68 and × 9 450 / 10 650 = 887.32; 1 065: 120 and 945.
    assert discounts == [
        ("Kupon NYAR (27%)", Decimal(27), Decimal(-113)),
        ("Kupon NYAR (5%)", Decimal(5), Decimal(-887)),
        ("Kosárérték-kedvezmény (27%)", Decimal(27), Decimal(-120)),
        ("Kosárérték-kedvezmény (5%)", Decimal(5), Decimal(-945)),
    ]
    assert not [x for x in lines if x.line_kind in ("rounding", "difference")]
    root = ET.fromstring(pipeline.cli("documents", "export", str(invoice.id)))
    by_rate = {
        Decimal(r.findtext(".//d:vatPercentage", namespaces=NAV_NS) or "0"): (
            Decimal(r.findtext("d:vatRateNetData/d:vatRateNetAmount", namespaces=NAV_NS) or "0"),
            Decimal(r.findtext("d:vatRateVatData/d:vatRateVatAmount", namespaces=NAV_NS) or "0"),
        )
        for r in root.iter(f"{{{NAV_NS['d']}}}summaryByVatRate")
    }
    assert set(by_rate) == {Decimal("0.27"), Decimal("0.05")}
    for rate, (net, vat) in by_rate.items():
        mine = [x for x in lines if x.vat_rate == rate * 100]
        assert (net, vat) == (sum(x.net for x in mine), sum(x.vat for x in mine))
    pdf_file = Path(pipeline.env["SHOPSYNC_VAR_DIR"]) / f"{invoice.id}.pdf"
    pipeline.cli("documents", "pdf", str(invoice.id), "-o", str(pdf_file))
    text = pdf_text(pdf_file.read_bytes())
    for rate, (net, vat) in by_rate.items():  # the PDF's VAT summary row says the same
        row = " ".join(amount_text(a, "HUF") for a in (net, vat, net + vat))
        assert f"{rate_text(rate * 100)} {row}" in text, text


def test_a_draft_sends_no_email(pipeline: Pipeline) -> None:
    connection_id, url, _ = pipeline.connect(orders_email=True, orders_draft=True)
    assert post_order(url, "2001") == 200
    draft = wait_until(lambda: documents_of(pipeline, connection_id), 10)[0]
    time.sleep(3)  # the e-mail relay runs every second: it had its chances
    assert draft.draft and draft.number is None
    assert not [m for m in pipeline.inbox.messages if f"piszkozat-{draft.id}" in str(m["Subject"])]
    assert pipeline.query(select(Document.email_status).where(Document.id == draft.id)) == [
        "not_requested"
    ]


def test_an_unknown_sku_moves_no_stock_and_documents_show_says_why(pipeline: Pipeline) -> None:
    connection_id, url, _ = pipeline.connect()
    assert post_order(url, "3001", sku="NO-SUCH-SKU") == 200
    document = wait_until(lambda: documents_of(pipeline, connection_id), 10)[0]
    shown = pipeline.cli("documents", "show", str(document.id), "--json")
    assert [m["sku"] for m in shown["skus_not_found"]] == ["NO-SUCH-SKU"]
    assert "no stock moved" in shown["skus_not_found"][0]["why"]
    assert [Decimal(m["quantity"]) for m in shown["stock_movements"]] == [Decimal(-1)]


def test_a_cancellation_stornos_the_invoice_and_returns_the_stock(pipeline: Pipeline) -> None:
    connection_id, url, warehouse_id = pipeline.connect(orders_cancel_status_ids=["7"])
    assert post_order(url, "4001") == 200
    wait_until(lambda: documents_of(pipeline, connection_id), 10)
    assert post_order(url, "4001", status="7", when="2025-12-02 10:00:00") == 200
    documents = wait_until(
        lambda: [d for d in documents_of(pipeline, connection_id) if d.kind == "storno"], 10
    )
    levels = pipeline.query(
        select(StockLevel.quantity).where(StockLevel.warehouse_id == warehouse_id)
    )
    assert documents[0].total_gross == Decimal(-11206)
    assert levels == [Decimal(10)]


def test_poison_is_kept_as_a_dead_letter_listed_and_replayed(pipeline: Pipeline) -> None:
    marker = unique("poison-")
    producer = Producer({"bootstrap.servers": pipeline.env["KAFKA_BOOTSTRAP_SERVERS"]})
    producer.produce(ORDER_EVENTS, key=marker.encode(), value=b"{not json")
    producer.flush(10)

    def listed(*flags: str) -> list[dict[str, Any]]:
        return [r for r in pipeline.cli("dlq", "list", "--json", *flags) if r["key"] == marker]

    record = wait_until(listed, 15)[0]
    assert "undecodable" in record["reason"] and record["payload"] == "{not json"
    assert "replayed 1 events" in pipeline.cli("dlq", "replay", "--event-id", record["event_id"])
    # Still poison: dead-lettered again at its new offset; the replayed one is kept, marked.
    again = wait_until(lambda: [r for r in listed() if r["event_id"] != record["event_id"]], 15)
    assert len(again) == 1 and again[0]["payload"] == "{not json"
    assert len(listed("--all")) == 2


def test_kill_9_under_load_leaves_exactly_one_invoice_per_order_and_no_gaps(
    pipeline: Pipeline,
) -> None:
    connection_id, url, _ = pipeline.connect()
    orders = [f"crash-{n}" for n in range(300)]
    for n, order_id in enumerate(orders):
        assert post_order(url, order_id) == 200
        if n == 100:
            time.sleep(0.3)
            os.killpg(pipeline.processor.pid, signal.SIGKILL)  # mid-stream, no goodbye
            pipeline.processor.wait()
    pipeline.start_processor()
    documents = wait_until(
        lambda: (
            len(documents_of(pipeline, connection_id)) >= 300
            and documents_of(pipeline, connection_id)
        ),
        90,
        0.5,
    )
    time.sleep(2)
    documents = documents_of(pipeline, connection_id)
    assert sorted(d.order_ref for d in documents) == sorted(orders)
    assert sorted(d.number or 0 for d in documents) == list(range(1, 301))


def test_demo_rules_move_stock_once_and_cancellations_sharing_a_batch_with_their_invoice(
    pipeline: Pipeline,
) -> None:
    """200 orders pending → paid (proforma, then invoice; stock on), 50 cancelled right after.

    The events are put on the topic while the processor is stopped, each order's paid and
    cancel events side by side, so that a cancellation meets its invoice inside one batch.
    """
    connection_id, _, warehouse_id = pipeline.connect(
        orders_default_kind=None,
        orders_status_rules={"1": "proforma", "6": "invoice"},
    )
    account_id = pipeline.query(
        select(ShopConnection.account_id).where(ShopConnection.id == connection_id)
    )[0]
    orders = [f"demo-{n}" for n in range(200)]
    cancelled = set(orders[::4])
    stop_process(pipeline.processor)
    producer = Producer(producer_config(pipeline.env["KAFKA_BOOTSTRAP_SERVERS"], 10_000))
    for order_id in orders:
        steps = [("1", "10:00:00"), ("6", "11:00:00")]
        steps += [("7", "12:00:00")] if order_id in cancelled else []
        for status, when in steps:
            order = sample_order(order_id, status, f"2026-03-02 {when}")
            event = order_event(connection_id, account_id, order, "json", datetime.now(UTC))
            producer.produce(ORDER_EVENTS, key=event_key(event), value=encode(event))
    assert producer.flush(30) == 0
    # A batch of exactly the backlog (450 events), handed over when full: one transaction.
    batching = {"ORDER_BATCH_SIZE": "450", "ORDER_BATCH_WINDOW_MS": "60000"}
    pipeline.processor = spawn(pipeline.processes, "order-processor", {**pipeline.env, **batching})

    def settled() -> list[Document]:
        documents = documents_of(pipeline, connection_id)
        return documents if len(documents) == 450 else []

    documents = wait_until(settled, 90, 0.5)
    kinds = Counter((d.kind, d.status) for d in documents)
    assert kinds == {
        ("proforma", "settled"): 200,
        ("invoice", "live"): 150,
        ("invoice", "stornoed"): 50,
        ("storno", "live"): 50,
    }
    stornoed = {d.order_ref for d in documents if d.kind == "storno"}
    assert stornoed == cancelled
    levels = pipeline.query(
        select(StockLevel.quantity).where(StockLevel.warehouse_id == warehouse_id)
    )
    assert levels == [Decimal(10 - 150)]  # one unit of the known SKU per live invoice, once
    proformas = [d.id for d in documents if d.kind == "proforma"]
    assert (
        pipeline.query(select(StockMovement.id).where(StockMovement.document_id.in_(proformas)))
        == []
    )
    # Each cancellation was decided in the same transaction as its invoice (the inbox rows of
    # one batch share their claim time), the case a one-event path had got wrong.
    claimed = {
        e.event_id: e.processed_at
        for e in pipeline.query(
            select(ProcessedEvent).where(ProcessedEvent.event_id.like(f"{connection_id}:demo-%"))
        )
    }
    shared = [
        o
        for o in cancelled
        if claimed[f"{connection_id}:{o}:6:2026-03-02 11:00:00"]
        == claimed[f"{connection_id}:{o}:7:2026-03-02 12:00:00"]
    ]
    assert len(shared) == 50
    stop_process(pipeline.processor)
    pipeline.start_processor()  # the module's other tests keep the usual batching


def test_one_order_refused_among_40_is_the_only_dead_letter_even_after_a_broker_restart(
    pipeline: Pipeline,
) -> None:
    """Runs last in this module: it restarts the module's broker."""
    connection_id, url, _ = pipeline.connect()

    async def refuse() -> None:
        import asyncpg

        conn = await asyncpg.connect(pipeline.database_url.replace("+asyncpg", ""))
        await conn.execute(
            "CREATE OR REPLACE FUNCTION refuse_e2e() RETURNS trigger AS $$ BEGIN "
            "IF NEW.order_ref = 'refused-17' THEN RAISE EXCEPTION 'refused by the test'; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql; CREATE TRIGGER refuse_e2e BEFORE "
            "INSERT ON documents FOR EACH ROW EXECUTE FUNCTION refuse_e2e()"
        )
        await conn.close()

    asyncio.run(refuse())
    orders = [f"refused-{n}" for n in range(40)]
    for order_id in orders:
        assert post_order(url, order_id) == 200

    def dead() -> list[dict[str, Any]]:
        return [
            r
            for r in pipeline.cli("dlq", "list", "--json")
            if r["key"] == f"{connection_id}:refused-17"
        ]

    [letter] = wait_until(dead, 60, 0.5)
    assert "refused by the test" in letter["reason"]
    documents = wait_until(lambda: len(documents_of(pipeline, connection_id)) >= 39, 60, 0.5)
    assert documents and sorted(
        d.order_ref for d in documents_of(pipeline, connection_id)
    ) == sorted(o for o in orders if o != "refused-17")
    assert pipeline.broker is not None
    pipeline.broker.kill()
    pipeline.broker.wait()
    port = int(pipeline.env["KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1])
    pipeline.broker = pipeline.processes.broker(
        port, Path(pipeline.env["SHOPSYNC_VAR_DIR"]) / "broker2.log"
    )
    ensure_topics(pipeline.env["KAFKA_BOOTSTRAP_SERVERS"], topic_specs(4))
    assert [r["event_id"] for r in dead()] == [letter["event_id"]]  # kept in the database
