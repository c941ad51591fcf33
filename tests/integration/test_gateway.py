"""The gateway over real HTTP with the real embedded broker: 200 only after the ack."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from confluent_kafka import Consumer, TopicPartition
from prometheus_client import CollectorRegistry

from services.webhook_gateway.app import create_app
from shopsync.adapters.kafka.contracts import check
from shopsync.adapters.kafka.topics import ORDER_EVENTS
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import add_connection, apply_settings
from tests.support import (
    INTAKE_ON,
    SAMPLE_WEBHOOK,
    env_settings,
    free_port,
    multipart_body,
    order_value,
    unique,
)

pytestmark = pytest.mark.integration


def order_payload(order_id: str) -> bytes:
    document = json.loads(SAMPLE_WEBHOOK.read_text())
    document["orders"]["order"][0]["innerId"] = order_id
    return json.dumps(document).encode()


def events_for(bootstrap: str, order_id: str, wait_s: float = 3.0) -> list[dict[str, Any]]:
    """Every event on the order topic for this order id (read from the beginning)."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": unique("t-"), "enable.auto.commit": False}
    )
    partitions = consumer.list_topics(ORDER_EVENTS, timeout=5).topics[ORDER_EVENTS].partitions
    consumer.assign([TopicPartition(ORDER_EVENTS, p, 0) for p in partitions])
    found = []
    idle = 0.0
    while idle < wait_s:
        message = consumer.poll(0.25)
        if message is None or message.error():
            idle += 0.25
            continue
        value = order_value(message.value())
        if value.get("order_id") == order_id:
            found.append({"key": (message.key() or b"").decode(), "value": value})
    consumer.close()
    return found


@pytest.fixture
async def connection(sessions: Any, cipher: CredentialCipher) -> dict[str, Any]:
    async with sessions() as session:
        created = await add_connection(
            session,
            cipher,
            account=unique("a-"),
            name="shop",
            path="demo",
            auth_kind="basic",
            api_user="u",
            api_secret="s",
        )
        apply_settings(created, INTAKE_ON)
        await session.commit()
        token = cipher.decrypt(created.webhook_token_encrypted)
        return {"id": created.id, "token": token, "account_id": created.account_id}


Gateway = Callable[..., Any]


@pytest.fixture
async def gateway(database_url: str, kafka_broker: str) -> AsyncIterator[Gateway]:
    servers: list[TestServer] = []

    async def start(**overrides: Any) -> tuple[str, CollectorRegistry]:
        settings = env_settings(
            DATABASE_URL=database_url,
            KAFKA_BOOTSTRAP_SERVERS=kafka_broker,
            CONNECTION_CACHE_TTL_S=0,
            **overrides,
        )
        registry = CollectorRegistry()
        server = TestServer(create_app(settings, registry), host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")), registry

    yield start
    for server in servers:
        await server.close()


async def post(url: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any], Any]:
    async with (
        ClientSession() as http,
        http.post(
            url, data=body, headers={"Content-Type": content_type, "User-Agent": "ShopRenter"}
        ) as response,
    ):
        return response.status, await response.json(), response.headers


async def test_shoprenter_multipart_webhook_is_acknowledged_and_on_kafka_exactly_once(
    gateway: Gateway, connection: dict[str, Any], kafka_broker: str
) -> None:
    base, registry = await gateway()
    order_id = uuid.uuid4().hex[:12]
    body, content_type = multipart_body("data", order_payload(order_id))
    url = f"{base}/webhooks/shoprenter/{connection['id']}/{connection['token']}"
    status, answer, _ = await post(url, body, content_type)
    assert (status, answer) == (200, {"accepted": 1})
    events = events_for(kafka_broker, order_id)
    assert len(events) == 1
    assert events[0]["key"] == f"{connection['id']}:{order_id}"
    check("order-events/v1", events[0]["value"])
    assert registry.get_sample_value("shopsync_gateway_events_published_total") == 1.0


@pytest.mark.parametrize("case", ["wrong_token", "unknown_connection", "disabled", "garbage_id"])
async def test_unknown_wrong_or_disabled_webhooks_all_get_404_and_publish_nothing(
    gateway: Gateway, connection: dict[str, Any], kafka_broker: str, sessions: Any, case: str
) -> None:
    base, registry = await gateway()
    target = f"{connection['id']}/{connection['token']}"
    if case == "wrong_token":
        target = f"{connection['id']}/{connection['token'][:-1]}x"
    elif case == "unknown_connection":
        target = f"987654/{connection['token']}"
    elif case == "garbage_id":
        target = f"abc/{connection['token']}"
    else:
        from shopsync.adapters.db.models import ShopConnection

        async with sessions() as session:
            row = await session.get(ShopConnection, connection["id"])
            apply_settings(row, {"enabled": False})
            await session.commit()
    order_id = uuid.uuid4().hex[:12]
    body, content_type = multipart_body("data", order_payload(order_id))
    status, answer, _ = await post(f"{base}/webhooks/shoprenter/{target}", body, content_type)
    assert (status, answer["error"]) == (404, "no such webhook")
    assert (
        registry.get_sample_value(
            "shopsync_gateway_rejections_total", {"reason": "unknown_webhook"}
        )
        == 1.0
    )
    assert events_for(kafka_broker, order_id, wait_s=1.0) == []


async def test_each_shops_webhooks_are_counted_and_stamped_under_its_connection_only(
    gateway: Gateway, connection: dict[str, Any]
) -> None:
    base, registry = await gateway()
    body, content_type = multipart_body("data", order_payload(uuid.uuid4().hex[:12]))
    sent_after = time.time()
    own = f"{base}/webhooks/shoprenter/{connection['id']}/{connection['token']}"
    assert (await post(own, body, content_type))[0] == 200
    forged = f"{base}/webhooks/shoprenter/{connection['id']}/{connection['token'][:-1]}x"
    assert (await post(forged, body, content_type))[0] == 404
    await post(f"{base}/webhooks/shoprenter/987654/{connection['token']}", body, content_type)
    labels = {"connection": str(connection["id"])}
    assert registry.get_sample_value("shopsync_gateway_webhooks_total", labels) == 1.0
    stamp = registry.get_sample_value("shopsync_gateway_last_webhook_timestamp_seconds", labels)
    assert stamp is not None and sent_after <= stamp <= time.time()
    counted = {
        sample.labels["connection"]
        for family in registry.collect()
        if family.name == "shopsync_gateway_webhooks"
        for sample in family.samples
    }
    assert counted == {str(connection["id"])}


@pytest.mark.parametrize(
    ("content_type", "body", "status", "reason"),
    [
        ("application/json", b"{broken", 400, "unparseable"),
        ("application/json", b'{"orders":{"order":[{"no":"id"}]}}', 400, "missing_fields"),
        ("text/plain", b"hi", 415, "unsupported_media_type"),
        ("application/json", b"x" * 5000, 413, "too_large"),
    ],
)
async def test_bad_input_gets_a_clear_status_and_reason(
    gateway: Gateway,
    connection: dict[str, Any],
    content_type: str,
    body: bytes,
    status: int,
    reason: str,
) -> None:
    base, registry = await gateway(WEBHOOK_MAX_BODY_BYTES=4096)
    url = f"{base}/webhooks/shoprenter/{connection['id']}/{connection['token']}"
    got, answer, _ = await post(url, body, content_type)
    assert (got, answer["reason"]) == (status, reason)
    assert registry.get_sample_value("shopsync_gateway_rejections_total", {"reason": reason}) == 1.0


async def test_broker_unreachable_answers_503_with_retry_after_never_200(
    database_url: str, connection: dict[str, Any]
) -> None:
    settings = env_settings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}",
        GATEWAY_ACK_TIMEOUT_S=1.5,
    )
    server = TestServer(create_app(settings, CollectorRegistry()), host="127.0.0.1")
    await server.start_server()
    try:
        body, content_type = multipart_body("data", order_payload("1"))
        url = server.make_url(f"/webhooks/shoprenter/{connection['id']}/{connection['token']}")
        status, _, headers = await post(str(url), body, content_type)
        assert status == 503 and headers["Retry-After"] == "5"
        async with ClientSession() as http, http.get(server.make_url("/readyz")) as ready:
            assert ready.status == 503
    finally:
        await server.close()


async def test_a_rotated_token_is_refused_at_once_and_the_new_one_accepted(
    database_url: str,
    kafka_broker: str,
    connection: dict[str, Any],
    sessions: Any,
    cipher: CredentialCipher,
) -> None:
    settings = env_settings(
        DATABASE_URL=database_url, KAFKA_BOOTSTRAP_SERVERS=kafka_broker, CONNECTION_CACHE_TTL_S=3600
    )  # only change detection can explain a 404
    server = TestServer(create_app(settings, CollectorRegistry()), host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        body, content_type = multipart_body("data", order_payload(uuid.uuid4().hex[:12]))
        old = f"{base}/webhooks/shoprenter/{connection['id']}/{connection['token']}"
        assert (await post(old, body, content_type))[0] == 200
        from shopsync.adapters.db.models import ShopConnection
        from shopsync.service_layer.shops import rotate_token

        async with sessions() as session:
            row = await session.get(ShopConnection, connection["id"])
            new_token = rotate_token(row, cipher)
            await session.commit()
        await asyncio.sleep(1.2)
        assert (await post(old, body, content_type))[0] == 404
        new = f"{base}/webhooks/shoprenter/{connection['id']}/{new_token}"
        assert (await post(new, body, content_type))[0] == 200
    finally:
        await server.close()


async def test_a_sender_hanging_up_mid_body_is_counted_and_publishes_nothing(
    database_url: str, connection: dict[str, Any], kafka_broker: str, caplog: Any
) -> None:
    # Served as `shopsync gateway` serves it (run_app: handlers are not cancelled when the
    # client goes; aiohttp's TestServer would cancel them and hide what production sees).
    settings = env_settings(DATABASE_URL=database_url, KAFKA_BOOTSTRAP_SERVERS=kafka_broker)
    registry = CollectorRegistry()
    runner = web.AppRunner(create_app(settings, registry))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        order_id = uuid.uuid4().hex[:12]
        body, content_type = multipart_body("data", order_payload(order_id))
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        head = (
            f"POST /webhooks/shoprenter/{connection['id']}/{connection['token']} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body[: len(body) // 2])
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.close()
        await writer.wait_closed()
        labels = {"reason": "client_disconnected"}
        for _ in range(50):
            if registry.get_sample_value("shopsync_gateway_rejections_total", labels) == 1.0:
                break
            await asyncio.sleep(0.05)
        assert registry.get_sample_value("shopsync_gateway_rejections_total", labels) == 1.0
        assert not [r for r in caplog.records if r.exc_info], "a hang-up is no error with a trace"
        assert events_for(kafka_broker, order_id, wait_s=1.0) == []
    finally:
        await runner.cleanup()
