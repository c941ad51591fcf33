"""What both catalog directions exchange: one definition, so a product sent once settles."""

from __future__ import annotations

from decimal import Decimal

from shopsync.adapters.shoprenter.mapping import product_from_json
from shopsync.domain.catalog import (
    ExchangedContent,
    LocalProduct,
    ShopSide,
    UploadAction,
    plan_upload,
)


def test_the_shops_written_form_of_a_price_is_the_same_content_as_ours() -> None:
    ours = ExchangedContent("A-1", "Tea", Decimal("990"), Decimal("800.5"), with_sale=True)
    theirs = ExchangedContent("A-1", "Tea", Decimal("990.0000"), Decimal("800.5000"), True)
    assert ours.digest() == theirs.digest()
    assert ours.digest() != ExchangedContent("A-1", "Tea", Decimal("991"), None, True).digest()


def test_a_sale_price_counts_only_where_the_connection_exchanges_sale_prices() -> None:
    with_sale = ExchangedContent("A-1", "Tea", Decimal("990"), Decimal("800"), with_sale=True)
    without = ExchangedContent("A-1", "Tea", Decimal("990"), None, with_sale=True)
    assert with_sale.digest() != without.digest()
    assert (
        ExchangedContent("A-1", "Tea", Decimal("990"), Decimal("800"), with_sale=False).digest()
        == ExchangedContent("A-1", "Tea", Decimal("990"), None, with_sale=False).digest()
    )


def test_a_downloaded_product_is_planned_as_unchanged_whatever_its_local_group() -> None:
    remote = product_from_json(
        {
            "id": "cHJ",
            "sku": "A-1",
            "price": "990.0000",
            "productDescriptions": [{"name": "Tea"}],
            "productSpecials": [
                {"price": "850.0000", "priority": "2"},
                {"price": "800.0000", "priority": "1"},
            ],
        }
    )
    assert remote.sale_price == Decimal("800")
    shop_digest = ExchangedContent(
        remote.sku, remote.name, remote.net_price, remote.sale_price, True
    ).digest()
    local = LocalProduct(7, "A-1", "Tea", 3, Decimal("990"), Decimal("800"))
    [planned] = plan_upload([local], {7: ShopSide("cHJ", shop_digest)}, set(), with_sale=True)
    assert planned.action == UploadAction.SKIP_UNCHANGED
    [changed] = plan_upload(
        [LocalProduct(7, "A-1", "Tea", 3, Decimal("990"), Decimal("700"))],
        {7: ShopSide("cHJ", shop_digest)},
        set(),
        with_sale=True,
    )
    assert changed.action == UploadAction.OVERWRITE
