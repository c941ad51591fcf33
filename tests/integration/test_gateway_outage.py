"""The broker goes away under load: 503s, never a 200 it did not acknowledge; then recovery."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from services.webhook_gateway.app import create_app
from shopsync.adapters.kafka.admin import ensure_topics
from shopsync.adapters.kafka.embedded import start_broker
from shopsync.adapters.kafka.topics import topic_specs
from shopsync.adapters.secrets import CredentialCipher
from tests.support import (
    SAMPLE_WEBHOOK,
    database_with_connection,
    env_settings,
    free_port,
    multipart_body,
)

pytestmark = pytest.mark.integration


async def test_broker_outage_answers_503_and_200s_resume_within_10_s_of_its_return(
    tmp_path: Path, cipher: CredentialCipher
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gw.db'}"
    path = await database_with_connection(url, cipher)
    port = free_port()
    broker = start_broker(port, tmp_path / "broker1.log")
    bootstrap = f"127.0.0.1:{port}"
    ensure_topics(bootstrap, topic_specs(4))
    settings = env_settings(
        DATABASE_URL=url, KAFKA_BOOTSTRAP_SERVERS=bootstrap, GATEWAY_ACK_TIMEOUT_S=2.0
    )
    server = TestServer(create_app(settings, CollectorRegistry()), host="127.0.0.1")
    await server.start_server()
    body, content_type = multipart_body("data", SAMPLE_WEBHOOK.read_bytes())
    results: list[tuple[float, float, int, str | None]] = []
    stop = asyncio.Event()

    async def client(http: aiohttp.ClientSession) -> None:
        while not stop.is_set():
            started = time.monotonic()
            async with http.post(
                server.make_url(path), data=body, headers={"Content-Type": content_type}
            ) as response:
                await response.read()
                results.append(
                    (
                        started,
                        time.monotonic(),
                        response.status,
                        response.headers.get("Retry-After"),
                    )
                )
            await asyncio.sleep(0.01)

    try:
        async with aiohttp.ClientSession() as http:
            clients = [asyncio.create_task(client(http)) for _ in range(8)]
            await asyncio.sleep(2)
            broker.send_signal(signal.SIGKILL)
            broker.wait()
            gone_at = time.monotonic()
            await asyncio.sleep(5)
            broker = start_broker(port, tmp_path / "broker2.log")
            ensure_topics(bootstrap, topic_specs(4))  # the embedded broker forgot everything
            back_at = time.monotonic()
            deadline = back_at + 15
            while time.monotonic() < deadline and not any(
                r[2] == 200 and r[0] > back_at for r in results
            ):
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.gather(*clients)
    finally:
        await server.close()
        broker.terminate()
        broker.wait()

    statuses = {r[2] for r in results}
    assert statuses <= {200, 503}, statuses
    during = [r for r in results if r[0] > gone_at + 0.05 and r[1] < back_at]
    assert during and all(r[2] == 503 and r[3] == "5" for r in during)
    first_200 = min(r[1] for r in results if r[2] == 200 and r[0] > back_at)
    assert first_200 - back_at < 10, f"200s resumed {first_200 - back_at:.1f} s after return"
    print(
        f"200s resumed {first_200 - back_at:.2f} s after the broker returned; "
        f"{len(during)} requests during the outage, all 503"
    )
