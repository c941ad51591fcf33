"""What a catalog upload sends: one Batch API request per planned product, in the shop's
language, with the sale price as the product's only special when the connection has one.
"""

from __future__ import annotations

from typing import Any

from shopsync.adapters.shoprenter.client import BatchRequest, HttpShoprenterClient
from shopsync.adapters.shoprenter.mapping import price_text
from shopsync.domain.catalog import LocalProduct, PlannedUpload, UploadAction


async def language_id(client: HttpShoprenterClient) -> str:
    """The shop's Hungarian language (else its first one): product names are written in it."""
    page = await client.get("languages", {"full": 1, "limit": 200})
    items = [i for i in (page.get("items") or []) if isinstance(i, dict)]
    hungarian = next((i for i in items if i.get("code") == "hu"), items[0] if items else {})
    return str(hungarian.get("id", ""))


def request(planned: PlannedUpload, language: str, with_specials: bool) -> BatchRequest:
    """A create (POST, with SKU and status) or an overwrite (PUT of the linked product)."""
    product = planned.product
    body: dict[str, Any] = {
        "price": price_text(product.net_price),
        "productDescriptions": [{"name": product.name, "language": {"id": language}}],
    }
    if with_specials:
        body["productSpecials"] = _specials(product)
    if planned.action == UploadAction.CREATE:
        return BatchRequest("POST", "productExtend", {"sku": product.sku, "status": "1", **body})
    return BatchRequest("PUT", f"productExtend/{planned.remote_id}", body)


def _specials(product: LocalProduct) -> list[dict[str, str]]:
    """The sale price as the one special (an empty list clears the shop's specials)."""
    if product.sale_price is None:
        return []
    return [
        {
            "price": price_text(product.sale_price),
            "priority": "1",
            "minQuantity": "0",
            "maxQuantity": "0",
        }
    ]
