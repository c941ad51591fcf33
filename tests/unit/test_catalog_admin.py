"""Products saved by hand against the fakes: by SKU, only real changes reported and announced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopsync.domain.product_input import ProductSpec
from shopsync.service_layer.catalog_admin import CatalogError, save_products
from tests.fakes import FakeDatabase, FakeUnitOfWork

TULIP = ProductSpec("TULIP", "Tulip", Decimal(27), "Flowers", Decimal("945.00"))


async def save(database: FakeDatabase, *specs: ProductSpec) -> list[tuple[str, str]]:
    async with FakeUnitOfWork(database) as uow:
        results = await save_products(uow, "shop-a", list(specs))
        await uow.commit()
    return [(sku, str(change)) for sku, change in results]


async def test_a_new_sku_is_created_with_its_group_and_announced() -> None:
    database = FakeDatabase()
    assert await save(database, TULIP) == [("TULIP", "created")]
    [product] = database.committed.catalog.values()
    assert product.fields["group_id"] == database.committed.product_groups[(1, "Flowers")]
    assert database.committed.catalog_changes == [(1, "TULIP", "created")]


async def test_saving_the_same_spec_again_changes_and_announces_nothing() -> None:
    database = FakeDatabase()
    await save(database, TULIP)
    assert await save(database, TULIP) == [("TULIP", "unchanged")]
    assert len(database.committed.catalog_changes) == 1


async def test_a_new_price_overwrites_the_product_of_that_sku() -> None:
    database = FakeDatabase()
    await save(database, TULIP)
    cheaper = ProductSpec("TULIP", "Tulip", Decimal(27), "Flowers", Decimal("899.00"))
    assert await save(database, cheaper) == [("TULIP", "updated")]
    [product] = database.committed.catalog.values()
    assert product.fields["net_price"] == Decimal("899.00")


async def test_a_price_group_that_does_not_exist_is_refused_with_the_command_to_add_it() -> None:
    spec = ProductSpec("ROSE", "Rose", Decimal(27), prices={"Wholesale": Decimal(500)})
    database = FakeDatabase()
    with pytest.raises(CatalogError, match="shopsync price-groups add 'Wholesale'"):
        await save(database, spec)
    assert database.committed.catalog == {}


async def test_a_price_in_a_known_group_is_set_and_a_change_of_it_is_an_update() -> None:
    database = FakeDatabase()
    database.committed.accounts["shop-a"] = 1
    database.committed.price_groups[(1, "Wholesale")] = 5
    spec = ProductSpec("ROSE", "Rose", Decimal(27), prices={"Wholesale": Decimal(500)})
    await save(database, spec)
    dearer = ProductSpec("ROSE", "Rose", Decimal(27), prices={"Wholesale": Decimal(550)})
    assert await save(database, dearer) == [("ROSE", "updated")]
    assert database.committed.catalog[(1, "ROSE")].prices == {5: Decimal(550)}
