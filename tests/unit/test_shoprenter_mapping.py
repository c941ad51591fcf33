"""Shoprenter JSON → ShopSync, on the verbatim samples and on the API's odd shapes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shopsync.adapters.shoprenter.ids import decode_id, encode_id
from shopsync.adapters.shoprenter.mapping import link_id, product_from_json, product_update_json
from shopsync.domain.order_reading import read_order
from tests.support import ROOT, SAMPLE_WEBHOOK

PRODUCT = json.loads((ROOT / "tests" / "fixtures" / "shoprenter_product_get.json").read_text())


def test_verbatim_product_reads_price_stock_sku_and_tax_class() -> None:
    product = product_from_json(PRODUCT)
    assert product.sku == "FJ010201_12_BHM003"
    assert product.net_price == Decimal("139900")
    assert product.resource_id == "cHJvZHVjdC1wcm9kdWN0X2lkPTI0NTE="
    assert product.tax_class_id == link_id(PRODUCT["taxClass"]) != ""
    assert set(product.stock) == {"stock1", "stock2", "stock3", "stock4"}


@pytest.mark.parametrize("empty", [{}, [], "", None])
def test_empty_values_in_any_shape_read_as_empty(empty: object) -> None:
    product = product_from_json(
        {**PRODUCT, "price": empty, "stock1": empty, "productDescriptions": empty}
    )
    assert product.net_price == 0 and product.stock["stock1"] == 0 and product.name == ""


def test_an_object_where_a_one_element_list_was_expected_is_read_as_that_list() -> None:
    product = product_from_json({**PRODUCT, "productDescriptions": {"name": "Tulipán"}})
    assert product.name == "Tulipán"


def test_webhook_order_with_a_single_product_object_and_string_numbers() -> None:
    raw = json.loads(SAMPLE_WEBHOOK.read_text())["orders"]["order"][0]
    raw["orderProducts"] = {"orderProduct": raw["orderProducts"]["orderProduct"][0]}
    order = read_order(raw)
    assert [(i.sku, i.unit_net_price, i.vat_rate) for i in order.items] == [
        ("996000004", Decimal("945"), Decimal("27.0000"))
    ]
    assert order.buyer.name == "Test Peter"  # firstname holds the family name


def test_ids_round_trip_and_decode_like_the_documented_examples() -> None:
    assert encode_id("product", product_id=1) == "cHJvZHVjdC1wcm9kdWN0X2lkPTE="
    assert decode_id("b3JkZXItb3JkZXJfaWQ9MTcy") == ("order", {"order_id": "172"})
    assert decode_id("SKU-11") is None  # an outer id is opaque


def test_partial_update_bodies_carry_only_what_changes_as_strings() -> None:
    assert product_update_json(Decimal("2760")) == {"price": "2760.0000"}
    assert product_update_json(stock_field="stock2", quantity=Decimal("12.000")) == {"stock2": "12"}
    with pytest.raises(ValueError, match="stock9"):
        product_update_json(stock_field="stock9", quantity=Decimal(1))
