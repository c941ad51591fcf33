"""The Shoprenter client against the sandbox over real HTTP: never a mocked client."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from devtools.sandbox.store import SandboxShop
from shopsync.adapters.shoprenter.client import BatchRequest
from shopsync.adapters.shoprenter.errors import ShoprenterAuthError, ShoprenterNotFound
from shopsync.adapters.shoprenter.ids import encode_id
from tests.sandbox_fixtures import Sandbox, client_for

pytestmark = pytest.mark.integration


def seed(shop: SandboxShop, count: int) -> None:
    from decimal import Decimal

    products = shop.table("products")
    for n in range(count):
        products.insert(
            {"sku": f"P-{n:05d}", "price": f"{Decimal(n):.4f}", "stock1": "1", "status": "1"}
        )


async def test_paging_through_ten_thousand_products_at_three_requests_per_second(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    seed(shop, 10_000)
    client = client_for(sandbox.basic(shop), http)
    skus = [item["sku"] async for item in client.iterate("products")]
    assert len(skus) == 10_000 and len(set(skus)) == 10_000
    assert shop.stats.requests == 50  # pages of 200
    assert shop.stats.max_per_second <= 3 and shop.stats.throttled == 0


async def test_batch_upload_of_a_thousand_reports_each_failed_item(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    requests = [
        BatchRequest("POST", "products", {"sku": f"B-{n}", "price": "100"}) for n in range(990)
    ]
    missing = [encode_id("product", product_id=900_000 + n) for n in range(10)]
    requests += [BatchRequest("PUT", f"products/{rid}", {"price": "1"}) for rid in missing]
    results = await client.batch(requests)
    assert len(results) == 1000 and shop.stats.batch_calls == 5
    failed = [r for r in results if not r.ok]
    assert [r.request.uri for r in failed] == [f"products/{rid}" for rid in missing]
    assert all(r.status == 404 and "resource id is wrong" in r.reason for r in failed)
    assert len(shop.table("products").rows) == 990


async def test_a_429_storm_is_ridden_out_without_exceeding_three_requests_per_second(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    seed(shop, 10)
    shop.faults.throttle_next = 8
    shop.faults.retry_after = 1
    client = client_for(sandbox.basic(shop), http)
    pages = await asyncio.gather(*(client.get("products", {"limit": 5}) for _ in range(6)))
    assert all(page["items"] for page in pages)
    assert shop.stats.by_status[429] == 8 and client.stats.throttled == 8
    assert shop.stats.max_per_second <= 3


async def test_five_hundreds_and_dropped_connections_are_retried(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    seed(shop, 3)
    shop.faults.fail_next = 2
    shop.faults.drop_next = 1
    client = client_for(sandbox.basic(shop), http)
    page = await client.get("products", {"full": 1})
    assert [item["sku"] for item in page["items"]] == ["P-00000", "P-00001", "P-00002"]
    assert (shop.faults.fail_next, shop.faults.drop_next) == (0, 0)  # all faults were served
    # aiohttp itself may transparently re-send a GET whose pooled connection dropped.
    assert client.stats.retries >= 2


async def test_oauth_token_is_renewed_when_it_expires(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop(token_ttl_s=1.0)
    seed(shop, 1)
    client = client_for(sandbox.oauth(shop), http)
    await client.get("products")
    await asyncio.sleep(1.2)
    await client.get("products")
    assert client.tokens_fetched == 2
    shop.tokens.clear()  # revoked server-side: one 401, a new token, success
    await client.get("products")
    assert client.tokens_fetched == 3


@pytest.mark.parametrize("kind", ["basic", "oauth"])
async def test_wrong_credentials_raise_an_auth_error_naming_the_shop_not_the_secret(
    sandbox: Sandbox, http: aiohttp.ClientSession, kind: str
) -> None:
    shop = sandbox.shop()
    secret = "wrong-secret-123"
    access = sandbox.basic(shop, secret) if kind == "basic" else sandbox.oauth(shop, secret)
    with pytest.raises(ShoprenterAuthError) as caught:
        await client_for(access, http).get("products")
    assert shop.name in str(caught.value)
    assert secret not in str(caught.value) and secret not in repr(access)


async def test_missing_resource_is_a_typed_not_found_with_the_inner_code(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    client = client_for(sandbox.basic(shop), http)
    with pytest.raises(ShoprenterNotFound) as caught:
        await client.get(f"products/{encode_id('product', product_id=77)}")
    assert caught.value.inner_code == 40401


async def test_requests_from_many_tasks_share_one_limiter_per_shop(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    seed(shop, 1)
    client = client_for(sandbox.basic(shop), http)
    started = time.monotonic()
    await asyncio.gather(*(client.get("products") for _ in range(9)))
    assert time.monotonic() - started >= 8 / 3 * 0.95
    assert shop.stats.max_per_second <= 3 and shop.stats.throttled == 0
