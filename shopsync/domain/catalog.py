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


@dataclass(frozen=True)
class ExchangedContent:
    """What both directions exchange for one product: exactly the fields an upload writes.

    A download stores the digest of what the shop holds, an upload the digest of what it sent;
    equal digests mean the shop already has what an upload would write, so nothing goes out.
    The group is not part of it (an upload does not write the shop's categories), and the sale
    price only when the connection exchanges sale prices (a sale price group is chosen).
    """

    sku: str
    name: str
    net_price: Decimal
    sale_price: Decimal | None
    with_sale: bool

    def digest(self) -> str:
        sale = "-" if not self.with_sale else _amount(self.sale_price)
        text = "\x1f".join((self.sku, self.name, _amount(self.net_price), sale))
        return hashlib.sha256(text.encode()).hexdigest()


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def plan_upload(
    products: list[LocalProduct],
    shop: dict[int, ShopSide],
    excluded_groups: set[int],
    with_sale: bool,
) -> list[PlannedUpload]:
    """Per product: create, overwrite, or skip (excluded group, or unchanged since exchanged)."""
    return [
        _planned(product, shop.get(product.product_id), excluded_groups, with_sale)
        for product in products
    ]


def _planned(
    product: LocalProduct, known: ShopSide | None, excluded_groups: set[int], with_sale: bool
) -> PlannedUpload:
    digest = ExchangedContent(
        product.sku, product.name, product.net_price, product.sale_price, with_sale
    ).digest()
    action = _action(product, known, digest, excluded_groups)
    return PlannedUpload(product, action, known.remote_id if known else "", digest)


def _action(
    product: LocalProduct, known: ShopSide | None, digest: str, excluded_groups: set[int]
) -> UploadAction:
    if product.group_id is not None and product.group_id in excluded_groups:
        return UploadAction.SKIP_EXCLUDED
    if known is not None and known.exchanged_hash == digest:
        return UploadAction.SKIP_UNCHANGED
    if known is not None and known.remote_id:
        return UploadAction.OVERWRITE
    return UploadAction.CREATE
