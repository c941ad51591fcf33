"""The sandbox answers like the verbatim Shoprenter samples: fields, envelope, ids, webhooks."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from email.parser import BytesParser
from email.policy import default
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from devtools.sandbox import generator
from services.webhook_gateway.body import parse_body
from shopsync.adapters.shoprenter.ids import decode_id
from shopsync.domain.order_reading import read_order
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import ROOT, SAMPLE_WEBHOOK

pytestmark = pytest.mark.integration
PRODUCT_SAMPLE = json.loads(
    (ROOT / "tests" / "fixtures" / "shoprenter_product_get.json").read_text()
)
ENVELOPE = {"href", "page", "pageCount", "limit", "first", "previous", "next", "last", "items"}


async def test_a_created_product_has_every_field_of_the_verbatim_product(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    created = await client.post(
        "products",
        {
            "sku": "SKU-11",
            "price": 139900,
            "taxClass": {"id": shop.tax_class_for(__import__("decimal").Decimal(27))},
        },
    )
    fetched = await client.get(f"products/{created['id']}")
    missing = (
        set(PRODUCT_SAMPLE)
        - set(fetched)
        - {"relatedProducts", "collateralProducts", "productAddons"}
    )
    assert missing == set()
    assert fetched["price"] == "139900.0000" and fetched["stock1"] == "0"
    assert decode_id(fetched["id"]) == ("product", {"product_id": fetched["innerId"]})
    assert fetched["href"] == f"{sandbox.url}/{shop.name}/products/{fetched['id']}"
    assert fetched["taxClass"]["href"].startswith(f"{sandbox.url}/{shop.name}/taxClasses/")
    assert all(isinstance(fetched[k], str) for k in ("innerId", "price", "status", "stock4"))


async def test_collections_use_the_real_envelope_zero_based_pages_and_link_only_items(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    shop.table("products").insert({"sku": "A"})
    shop.table("products").insert({"sku": "B"})
    client = client_for(sandbox.basic(shop), http)
    page = await client.get("products", {"page": 0, "limit": 1})
    assert set(page) == ENVELOPE
    assert (page["page"], page["pageCount"], page["limit"], page["previous"]) == (
        "0",
        "2",
        "1",
        None,
    )
    assert set(page["items"][0]) == {"href"}
    assert "page=1" in page["next"]["href"]
    last = await client.get(page["next"]["href"])
    assert last["next"] is None
    with pytest.raises(Exception, match="Page not found"):
        await client.get("products", {"page": 5, "limit": 1})


async def test_a_request_without_accept_json_is_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    credentials = base64.b64encode(f"{shop.user}:{shop.password}".encode()).decode()
    async with http.get(
        f"{sandbox.url}/{shop.name}/products", headers={"Authorization": f"Basic {credentials}"}
    ) as response:
        assert response.status == 406


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        content_type = request.headers.get("Content-Type", "")
        # An independent multipart reader (the stdlib's), not the gateway's own parser.
        message = BytesParser(policy=default).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        parts = list(message.iter_parts()) if message.is_multipart() else []
        received.append(
            {
                "headers": dict(request.headers),
                "content_type": content_type,
                "fields": [p.get_param("name", header="content-disposition") for p in parts],
                "raw": raw,
                "data": parts[0].get_content() if parts else None,
            }
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/hook")), received
    await server.close()


async def test_webhooks_arrive_as_shoprenter_sends_them_on_order_and_status_change(
    sandbox: Sandbox, http: aiohttp.ClientSession, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = receiver
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    for event in ("order_confirm", "order_status_change"):
        await client.post(
            "webHooks",
            {
                "event": event,
                "status": "1",
                "label": event,
                "webHookParameters": [{"type": "json", "url": url}],
            },
        )
    import random

    spec = generator.order(random.Random(3), generator.catalog(random.Random(3), 10))
    async with http.post(f"{sandbox.url}/_sandbox/shops/{shop.name}/orders", json=spec) as r:
        order_id = (await r.json())["id"]
    await client.put(f"orders/{order_id}", {"orderStatus": {"id": shop.status_id(6)}})
    for _ in range(50):
        if len(received) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(received) == 2
    sample_keys = set(json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0])
    for hook in received:
        assert hook["headers"]["User-Agent"] == "ShopRenter"
        assert hook["content_type"].startswith("multipart/form-data")
        assert hook["fields"] == ["data"]
        assert "Authorization" not in hook["headers"]
        order = json.loads(hook["data"])["orders"]["order"][0]
        assert sample_keys <= set(order)
    statuses = [
        json.loads(h["data"])["orders"]["order"][0]["orderHistory"]["status"] for h in received
    ]
    assert statuses == ["1", "6"]
    payload = parse_body(received[1]["content_type"], received[1]["raw"])
    assert read_order(payload.orders[0]).status_text == "Paid"
