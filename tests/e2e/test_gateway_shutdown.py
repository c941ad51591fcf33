"""SIGTERM to a gateway under load: it stops cleanly and every 200 it gave is on the topic."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from confluent_kafka import Consumer, TopicPartition
from cryptography.fernet import Fernet

from shopsync.adapters.kafka.topics import ORDER_EVENTS
from shopsync.adapters.secrets import CredentialCipher
from tests.support import (
    SAMPLE_WEBHOOK,
    database_with_connection,
    free_port,
    multipart_body,
    order_value,
    unique,
)

pytestmark = pytest.mark.e2e
SHOPSYNC = str(Path(sys.executable).parent / "shopsync")


def orders_on_topic(bootstrap: str, prefix: str) -> list[str]:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": unique("t-"), "enable.auto.commit": False}
    )
    partitions = consumer.list_topics(ORDER_EVENTS, timeout=5).topics[ORDER_EVENTS].partitions
    consumer.assign([TopicPartition(ORDER_EVENTS, p, 0) for p in partitions])
    found, idle = [], 0.0
    while idle < 3.0:
        messages = [m for m in consumer.consume(1000, timeout=0.5) if not m.error()]
        idle = 0.0 if messages else idle + 0.5
        for message in messages:
            order_id = str(order_value(message.value()).get("order_id", ""))
            if order_id.startswith(prefix):
                found.append(order_id)
    consumer.close()
    return found


async def load(url: str, prefix: str, stop_after_s: float, proc: subprocess.Popen[bytes]) -> dict:
    template = json.loads(SAMPLE_WEBHOOK.read_text())
    outcomes: dict[str, str] = {}
    stopped_at: list[float] = []

    async def client(http: aiohttp.ClientSession, n: int) -> None:
        for i in range(100_000):
            order_id = f"{prefix}{n}-{i}"
            template["orders"]["order"][0]["innerId"] = order_id
            body, content_type = multipart_body("data", json.dumps(template).encode())
            try:
                async with http.post(
                    url, data=body, headers={"Content-Type": content_type}
                ) as response:
                    await response.read()
                    outcomes[order_id] = str(response.status)
            except aiohttp.ClientError as exc:
                outcomes[order_id] = type(exc).__name__
                if stopped_at and time.monotonic() - stopped_at[0] > 1.0:
                    return  # the gateway is gone: nothing more to learn

    async def terminate() -> None:
        await asyncio.sleep(stop_after_s)
        stopped_at.append(time.monotonic())
        proc.send_signal(signal.SIGTERM)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(terminate(), *(client(http, n) for n in range(8)))
    return outcomes


@dataclass
class Gateway:
    proc: subprocess.Popen[bytes]
    url: str
    webhook: str
    log: Path


@contextmanager
def gateway(tmp_path: Path, bootstrap: str, **extra_env: str) -> Iterator[Gateway]:
    key = Fernet.generate_key()
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'gw.db'}"
    path = asyncio.run(database_with_connection(db_url, CredentialCipher(key)))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SHOPSYNC_SECRET_KEY": key.decode(),
        "SHOPSYNC_VAR_DIR": str(tmp_path),
        "GATEWAY_PORT": str(port),
        **extra_env,
    }
    log = tmp_path / "gateway.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([SHOPSYNC, "gateway"], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield Gateway(proc, url, f"{url}{path}", log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigterm_under_load_exits_cleanly_and_loses_no_acknowledged_webhook(
    tmp_path: Path, kafka_broker: str
) -> None:
    with gateway(tmp_path, kafka_broker) as gw:
        prefix = uuid.uuid4().hex[:8]
        outcomes = asyncio.run(load(gw.webhook, prefix, 1.5, gw.proc))
        exit_code = gw.proc.wait(timeout=15)
    acknowledged = sorted(o for o, status in outcomes.items() if status == "200")
    statuses = set(outcomes.values())
    text = gw.log.read_text(errors="replace")
    assert len(acknowledged) > 50, "the load ran before the signal"
    assert statuses <= {
        "200",
        "ClientConnectorError",
        "ServerDisconnectedError",
        "ClientOSError",
    }, statuses  # never a 500 while shutting down
    assert exit_code == 0, text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    on_topic = orders_on_topic(kafka_broker, prefix)
    assert sorted(set(on_topic) & set(acknowledged)) == acknowledged  # none acknowledged is lost
    assert len(on_topic) == len(set(on_topic))  # none doubled


def test_with_a_drain_period_sigterm_first_turns_readiness_off_and_keeps_serving(
    tmp_path: Path, kafka_broker: str
) -> None:
    with gateway(tmp_path, kafka_broker, GATEWAY_DRAIN_S="2") as gw:
        signalled = time.monotonic()
        gw.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(urllib.error.HTTPError) as not_ready:
            urllib.request.urlopen(f"{gw.url}/readyz", timeout=2)
        assert not_ready.value.code == 503
        assert json.loads(not_ready.value.read()) == {"status": "draining"}
        prefix = uuid.uuid4().hex[:8]
        template = json.loads(SAMPLE_WEBHOOK.read_text())
        template["orders"]["order"][0]["innerId"] = f"{prefix}-1"
        body, content_type = multipart_body("data", json.dumps(template).encode())
        request = urllib.request.Request(
            gw.webhook, data=body, headers={"Content-Type": content_type}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # still served
            assert answer.status == 200
        exit_code = gw.proc.wait(timeout=20)
        stopped_after = time.monotonic() - signalled
    assert exit_code == 0, gw.log.read_text(errors="replace")[-2000:]
    assert stopped_after >= 2.0  # the drain period was honoured
    assert orders_on_topic(kafka_broker, prefix) == [f"{prefix}-1"]
