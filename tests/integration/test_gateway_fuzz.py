"""Whatever arrives, the gateway answers 2xx or 4xx with a reason: never a 500, never a hang."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession, ClientTimeout
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from services.webhook_gateway.app import create_app
from shopsync.adapters.secrets import CredentialCipher
from tests.support import SAMPLE_WEBHOOK, env_settings, multipart_body, shop_connection, unique

pytestmark = pytest.mark.integration


@pytest.fixture
async def webhook(
    sessions: Any, cipher: CredentialCipher, database_url: str, kafka_broker: str
) -> AsyncIterator[tuple[str, str]]:
    """The gateway's base URL and a real connection's webhook path."""
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("fuzz-"))
        await session.commit()
        token = cipher.decrypt(connection.webhook_token_encrypted)
        path = f"/webhooks/shoprenter/{connection.id}/{token}"
    gateway_settings = env_settings(
        DATABASE_URL=database_url, KAFKA_BOOTSTRAP_SERVERS=kafka_broker, WEBHOOK_READ_TIMEOUT_S=2
    )
    server = TestServer(create_app(gateway_settings, CollectorRegistry()), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/"), path
    await server.close()


def nested(depth: int, kind: str) -> bytes:
    """A real order with a value nested `depth` levels deep inside it."""
    if kind == "json":
        order = json.dumps(json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0])
        deep = "[" * depth + "]" * depth
        return f'{{"orders": {{"order": [{{"deep": {deep}, {order[1:]}]}}}}'.encode()
    inner = "<a>" * depth + "x" + "</a>" * depth
    return f"<orders><order><innerId>1</innerId>{inner}</order></orders>".encode()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
ORDERISH = st.fixed_dictionaries(
    {"orders": st.fixed_dictionaries({"order": st.lists(JSONISH, max_size=3) | JSONISH})}
)
BODIES = st.one_of(
    st.binary(max_size=300),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    ORDERISH.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 3000).map(lambda d: nested(d, "json")),
    st.integers(1, 3000).map(lambda d: nested(d, "xml")),
)
PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)
CONTENT_TYPES = st.sampled_from(
    ["multipart/form-data", "application/json", "application/xml", "text/plain", ""]
) | st.text(PRINTABLE, max_size=40)
SEGMENTS = st.sampled_from(["", "%C2%B2", "²", "0", "-1", "99999999999999999999", "abc", "1e3"])


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=BODIES,
    content_type=CONTENT_TYPES,
    segment=st.one_of(st.none(), SEGMENTS),
    token=st.one_of(st.none(), st.text(max_size=10)),
    header=st.text(PRINTABLE, max_size=30),
)
async def test_any_request_gets_an_answer_below_500(
    webhook: tuple[str, str],
    body: bytes,
    content_type: str,
    segment: str | None,
    token: str | None,
    header: str,
) -> None:
    base, path = webhook
    _, _, connection, real_token = path.rsplit("/", 3)
    url = f"{base}/webhooks/shoprenter/{segment or connection}/{token or real_token}"
    if content_type.startswith("multipart"):
        body, content_type = multipart_body("data", body)
    headers = {
        "Content-Type": content_type,
        "X-Anything": header.encode("ascii", "replace").decode(),
    }
    headers = {k: v for k, v in headers.items() if "\n" not in v and "\r" not in v}
    async with (
        ClientSession(timeout=ClientTimeout(total=15)) as http,
        http.post(url, data=body, headers=headers) as response,
    ):
        assert response.status < 500, await response.text()
        assert response.headers.get("Server") == "ShopSync"


@pytest.mark.parametrize("kind", ["json", "xml"])
async def test_deep_nesting_is_refused_with_a_reason(webhook: tuple[str, str], kind: str) -> None:
    base, path = webhook
    body, content_type = multipart_body("data", nested(600, kind))
    async with (
        ClientSession() as http,
        http.post(base + path, data=body, headers={"Content-Type": content_type}) as response,
    ):
        assert (response.status, (await response.json())["reason"]) == (400, "too_deep")


async def test_a_half_sent_body_is_cut_off_with_408(webhook: tuple[str, str]) -> None:
    import asyncio

    base, path = webhook
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        'Content-Length: 1000\r\n\r\n{"orders":'.encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    assert b" 408 " in status_line
