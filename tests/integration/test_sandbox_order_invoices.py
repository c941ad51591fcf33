"""The sandbox's /orderInvoices answers like Shoprenter's (api-notes §10.1, the verbatim GET in
tests/fixtures): required fields, the type enum, the order link, paging only, writes, delete."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest

from devtools.sandbox.orders import place_order
from shopsync.adapters.shoprenter.errors import ShoprenterNotFound, ShoprenterValidationError
from tests.sandbox_fixtures import Sandbox, client_for
from tests.support import ROOT

pytestmark = pytest.mark.integration
SAMPLE = json.loads((ROOT / "tests" / "fixtures" / "shoprenter_order_invoice_get.json").read_text())
SPACED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def body(order_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "invoiceId": "INV-1",
        "invoicePath": "https://pdf.example/1.pdf",
        "invoiceType": "normal",
        "order": {"id": order_id},
        **changes,
    }


async def test_a_created_order_invoice_has_every_field_of_the_verbatim_one(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    order = place_order(shop, {"lines": []})
    client = client_for(sandbox.basic(shop), http)
    created = await client.post("orderInvoices", body(order.resource_id))
    assert set(created) == set(SAMPLE)
    assert created["id"] == "b3JkZXJJbnZvaWNlLWlkPTE="  # orderInvoice-id=1, as the sample's
    assert created["order"]["href"].endswith(f"/orders/{order.resource_id}")
    assert SPACED.match(created["dateCreated"]) and SPACED.match(created["dateModified"])
    assert await client.get(f"orderInvoices/{created['id']}") == created


async def test_writes_missing_a_field_or_with_an_unknown_type_or_order_are_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    order = place_order(shop, {"lines": []})
    client = client_for(sandbox.basic(shop), http)
    refused = [
        {k: v for k, v in body(order.resource_id).items() if k != "invoicePath"},
        body(order.resource_id, invoiceType="receipt"),
        body("b3JkZXItb3JkZXJfaWQ9OTk5"),  # order 999: no such order
    ]
    for wrong in refused:
        with pytest.raises(ShoprenterValidationError):
            await client.post("orderInvoices", wrong)
    assert shop.table("orderInvoices").rows == {}


async def test_the_collection_pages_every_row_and_ignores_an_order_filter(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    first, second = place_order(shop, {"lines": []}), place_order(shop, {"lines": []})
    client = client_for(sandbox.basic(shop), http)
    for n, order in enumerate((first, second, first)):
        await client.post("orderInvoices", body(order.resource_id, invoiceId=f"INV-{n}"))
    page = await client.get("orderInvoices", {"orderId": second.resource_id, "limit": 2})
    assert len(page["items"]) == 2 and page["next"] is not None
    listed = [
        item async for item in client.iterate("orderInvoices", {"orderId": second.resource_id})
    ]
    assert [item["invoiceId"] for item in listed] == ["INV-0", "INV-1", "INV-2"]


async def test_a_row_is_modified_by_post_or_put_to_its_id_and_deleted_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    shop = sandbox.shop()
    order = place_order(shop, {"lines": []})
    client = client_for(sandbox.basic(shop), http)
    row_id = (await client.post("orderInvoices", body(order.resource_id)))["id"]
    assert (await client.post(f"orderInvoices/{row_id}", {"invoiceType": "storno"}))[
        "invoiceType"
    ] == "storno"
    assert (await client.put(f"orderInvoices/{row_id}", {"invoiceId": "INV-9"}))[
        "invoiceId"
    ] == "INV-9"
    with pytest.raises(ShoprenterNotFound):
        await client.put("orderInvoices/b3JkZXJJbnZvaWNlLWlkPTk5", {"invoiceId": "X"})
    await client.request("DELETE", client.url(f"orderInvoices/{row_id}"))
    with pytest.raises(ShoprenterNotFound):
        await client.request("DELETE", client.url(f"orderInvoices/{row_id}"))
