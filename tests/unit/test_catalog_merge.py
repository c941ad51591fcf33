"""What a catalog download changes in the account: the merge rules, without a database."""

from __future__ import annotations

from decimal import Decimal

from shopsync.domain.catalog import ExchangedContent
from shopsync.domain.catalog_merge import (
    LocalFields,
    ShopProduct,
    group_name,
    merge_page,
    with_sku,
)

CATEGORIES = {"c1": "Teas", "c2": "Coffees"}


def shop(sku: str, name: str = "Tea", price: str = "990", *categories: str) -> ShopProduct:
    return ShopProduct(f"r-{sku}", sku, name, Decimal(price), None, tuple(categories))


def test_a_new_product_takes_the_shops_fields_and_is_named_by_its_sku_when_unnamed() -> None:
    [named, unnamed] = merge_page([shop("A"), shop("B", "")], {}, {}, CATEGORIES, False)
    assert (named.created, named.name, named.net_price) == (True, "Tea", Decimal("990"))
    assert (unnamed.created, unnamed.name, unnamed.group_id) == (True, "B", None)


def test_an_existing_product_keeps_its_name_and_group_where_the_shop_says_nothing() -> None:
    local = {"A": LocalFields("Local tea", 7)}
    [merge] = merge_page([shop("A", "", "1200")], local, {}, CATEGORIES, False)
    assert (merge.created, merge.name, merge.group_id) == (False, "Local tea", 7)
    assert merge.net_price == Decimal("1200")


def test_the_group_is_the_first_category_the_shop_names() -> None:
    assert group_name(("unknown", "c2", "c1"), CATEGORIES) == "Coffees"
    assert group_name(("unknown",), CATEGORIES) == ""
    local = {"A": LocalFields("Tea", 7)}
    [merge] = merge_page([shop("A", "Tea", "990", "c2")], local, {"Coffees": 3}, CATEGORIES, False)
    assert merge.group_id == 3


def test_a_sku_seen_twice_on_a_page_merges_over_the_first() -> None:
    page = [shop("A", "First", "1", "c1"), shop("A", "", "2")]
    [first, second] = merge_page(page, {}, {"Teas": 5}, CATEGORIES, False)
    assert first.created and not second.created
    assert (second.name, second.group_id, second.net_price) == ("First", 5, Decimal("2"))


def test_the_exchanged_hash_is_what_the_shop_holds_so_nothing_is_sent_back() -> None:
    product = ShopProduct("r", "A", "", Decimal("990"), Decimal("800"), ())
    [merge] = merge_page([product], {"A": LocalFields("Local", None)}, {}, CATEGORIES, True)
    expected = ExchangedContent("A", "", Decimal("990"), Decimal("800"), True).digest()
    assert (merge.exchanged_hash, merge.remote_id) == (expected, "r")


def test_products_without_a_sku_are_not_downloaded() -> None:
    assert with_sku([shop(""), shop("A")]) == [shop("A")]
