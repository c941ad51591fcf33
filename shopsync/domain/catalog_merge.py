"""What a catalog download changes in the account: pure merge rules over one page of the shop's
products and the account's products with the same SKUs.

The shop wins on price; on name and group only when it says something (an unnamed product or
one in no known category keeps the local name or group). What was just downloaded counts as
already uploaded, so the next upload does not send it back (no ping-pong).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopsync.domain.catalog import ExchangedContent


@dataclass(frozen=True)
class ShopProduct:
    """A product as the shop lists it, reduced to what a download merges."""

    remote_id: str
    sku: str
    name: str
    net_price: Decimal
    sale_price: Decimal | None
    category_ids: tuple[str, ...]


@dataclass(frozen=True)
class LocalFields:
    """What the account holds for a SKU before the merge."""

    name: str
    group_id: int | None


@dataclass(frozen=True)
class ProductMerge:
    """What a download writes for one product: its fields, its price and its link to the shop."""

    sku: str
    created: bool
    name: str
    net_price: Decimal
    group_id: int | None
    remote_id: str
    exchanged_hash: str  # stored as both the downloaded and the uploaded hash


def group_name(category_ids: Iterable[str], categories: Mapping[str, str]) -> str:
    """The name of the product's first category the shop names; "" when none is known."""
    return next((categories[c] for c in category_ids if c in categories), "")


def group_names(page: Iterable[ShopProduct], categories: Mapping[str, str]) -> list[str]:
    """Each product's group name, in page order."""
    return [group_name(p.category_ids, categories) for p in page]


def with_sku(products: Iterable[ShopProduct]) -> list[ShopProduct]:
    """Products are matched by SKU: one without a SKU is not downloaded."""
    return [p for p in products if p.sku]


def merge_page(
    page: Sequence[ShopProduct],
    local: Mapping[str, LocalFields],
    group_ids: Mapping[str, int],
    categories: Mapping[str, str],
    with_sale: bool,
) -> list[ProductMerge]:
    """One merge per product of the page, in order; a SKU seen twice merges over the first."""
    held = dict(local)
    merges = []
    for product in page:
        group_id = group_ids.get(group_name(product.category_ids, categories))
        merge = merge_product(product, held.get(product.sku), group_id, with_sale)
        held[product.sku] = LocalFields(merge.name, merge.group_id)
        merges.append(merge)
    return merges


def merge_product(
    product: ShopProduct, local: LocalFields | None, group_id: int | None, with_sale: bool
) -> ProductMerge:
    """The shop's price always; its name and group unless it has none (a new product is named
    by its SKU); the digest of exactly what the shop holds."""
    current = local or LocalFields(product.sku, None)
    return ProductMerge(
        sku=product.sku,
        created=local is None,
        name=product.name or current.name,
        net_price=product.net_price,
        group_id=group_id or current.group_id,
        remote_id=product.remote_id,
        exchanged_hash=_exchanged(product, with_sale),
    )


def _exchanged(product: ShopProduct, with_sale: bool) -> str:
    content = ExchangedContent(
        product.sku, product.name, product.net_price, product.sale_price, with_sale
    )
    return content.digest()
