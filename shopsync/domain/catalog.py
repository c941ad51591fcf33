"""What a catalog upload would do: pure planning over local products and what the shop has."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class UploadAction(StrEnum):
    CREATE = "create"
    OVERWRITE = "overwrite"
    SKIP_EXCLUDED = "skip: excluded group"
    SKIP_UNCHANGED = "skip: unchanged"


@dataclass(frozen=True)
class LocalProduct:
    product_id: int
    sku: str
    name: str
    group_id: int | None
    group_name: str
    net_price: Decimal
    sale_price: Decimal | None


@dataclass(frozen=True)
class ShopSide:
    """What ShopSync knows the shop holds for a product: its id and the last exchanged hash."""

    remote_id: str
    exchanged_hash: str | None


@dataclass(frozen=True)
class PlannedUpload:
    product: LocalProduct
    action: UploadAction
    remote_id: str
    content_hash: str


def content_hash(
    sku: str, name: str, net_price: Decimal, group: str, sale_price: Decimal | None = None
) -> str:
    """What both directions compare to tell a real change from an echo of the other side."""
    sale = "" if sale_price is None else f"{sale_price.normalize():f}"
    text = "\x1f".join((sku, name, f"{net_price.normalize():f}", group, sale))
    return hashlib.sha256(text.encode()).hexdigest()


def plan_upload(
    products: list[LocalProduct], shop: dict[int, ShopSide], excluded_groups: set[int]
) -> list[PlannedUpload]:
    """Per product: create, overwrite, or skip (excluded group, or unchanged since exchanged)."""
    plan = []
    for product in products:
        digest = content_hash(
            product.sku, product.name, product.net_price, product.group_name, product.sale_price
        )
        known = shop.get(product.product_id)
        remote_id = known.remote_id if known else ""
        if product.group_id is not None and product.group_id in excluded_groups:
            action = UploadAction.SKIP_EXCLUDED
        elif known is not None and known.exchanged_hash == digest:
            action = UploadAction.SKIP_UNCHANGED
        elif remote_id:
            action = UploadAction.OVERWRITE
        else:
            action = UploadAction.CREATE
        plan.append(PlannedUpload(product, action, remote_id, digest))
    return plan
