"""Stock set by hand and by a download, against the fakes: differences become movements."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopsync.domain.stock_levels import DownloadTarget
from shopsync.service_layer.stock import StockError, set_stock, take_shop_stock
from tests.fakes import FakeDatabase, FakeUnitOfWork

ACCOUNT, WAREHOUSE, TULIPS, ROSES = 1, 10, 100, 101


def stocked() -> FakeDatabase:
    database = FakeDatabase()
    tables = database.committed
    tables.accounts["shop-a"] = ACCOUNT
    tables.warehouses[(ACCOUNT, "main")] = WAREHOUSE
    tables.products |= {(ACCOUNT, "TULIP"): TULIPS, (ACCOUNT, "ROSE"): ROSES}
    tables.levels[(WAREHOUSE, TULIPS)] = Decimal(4)
    return database


async def test_setting_a_level_records_the_difference_as_a_manual_movement() -> None:
    database = stocked()
    async with FakeUnitOfWork(database) as uow:
        delta = await set_stock(uow, "shop-a", "TULIP", "main", Decimal("10.5"))
        await uow.commit()
    [(change, reason, note)] = database.committed.movements
    assert (delta, change.delta, reason, note) == (
        Decimal("6.5"),
        Decimal("6.5"),
        "manual",
        "shopsync stock set",
    )
    assert database.committed.levels[(WAREHOUSE, TULIPS)] == Decimal("10.5")


async def test_setting_a_level_to_what_it_is_records_nothing() -> None:
    database = stocked()
    async with FakeUnitOfWork(database) as uow:
        assert await set_stock(uow, "shop-a", "TULIP", "main", Decimal(4)) == Decimal(0)
    assert database.committed.movements == []


async def test_a_product_without_a_level_starts_from_zero() -> None:
    database = stocked()
    async with FakeUnitOfWork(database) as uow:
        assert await set_stock(uow, "shop-a", "ROSE", "main", Decimal(3)) == Decimal(3)


@pytest.mark.parametrize(
    ("account", "sku", "warehouse", "said"),
    [
        ("nobody", "TULIP", "main", "no account 'nobody'"),
        ("shop-a", "LILY", "main", "no product with SKU 'LILY' in account 'shop-a'"),
        ("shop-a", "TULIP", "back", "no warehouse 'back' in account 'shop-a'"),
    ],
)
async def test_an_unknown_name_is_refused_with_what_is_missing(
    account: str, sku: str, warehouse: str, said: str
) -> None:
    async with FakeUnitOfWork(stocked()) as uow:
        with pytest.raises(StockError, match=said):
            await set_stock(uow, account, sku, warehouse, Decimal(1))


async def test_a_download_moves_only_changed_levels_and_counts_skus_the_account_lacks() -> None:
    database = stocked()
    target = DownloadTarget(ACCOUNT, WAREHOUSE, "stock1", "shop demo stock1")
    shop_stock = {"TULIP": Decimal(4), "ROSE": Decimal(7), "LILY": Decimal(2)}
    async with FakeUnitOfWork(database) as uow:
        assert await take_shop_stock(uow, target, shop_stock) == (1, 1)
        await uow.commit()
    [(change, reason, note)] = database.committed.movements
    assert (change.sku, change.delta, reason, note) == (
        "ROSE",
        Decimal(7),
        "download",
        "shop demo stock1",
    )
