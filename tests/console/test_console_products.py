"""The products tab previews `catalog plan` while upload is off: what switching it on sends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopsync.adapters.db.models import Account, ShopConnection
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.product_input import ProductSpec
from shopsync.service_layer.catalog_admin import save_products
from tests.console.conftest import Console

pytestmark = pytest.mark.integration


async def _products(console: Console, *specs: ProductSpec) -> None:
    async with console.sessions() as db:
        connection = await db.get(ShopConnection, console.shop_id)
        account = await db.get(Account, connection.account_id)
        assert account is not None
        name = account.name
    async with SqlAlchemyUnitOfWork(console.sessions) as uow:
        await save_products(uow, name, list(specs))
        await uow.commit()


async def test_the_products_tab_shows_what_an_upload_would_create_until_upload_is_on(
    console: Console,
) -> None:
    await _products(
        console,
        ProductSpec("TEA-1", "Green tea", Decimal("18"), net_price=Decimal("1000")),
        ProductSpec("TEA-2", "Black tea", Decimal("18"), net_price=Decimal("1200")),
    )
    admin = await console.logged_in(console.admin)
    path = f"/shops/{console.shop_id}?tab=products"
    _, page, _ = await admin.get(path)
    assert 'id="upload-plan"' in page and "2 create" in page
    assert "TEA-1" in page and "Black tea" in page and "1,200.00" in page
    token = await admin.token(path)
    form = {"csrf": token, "tab": "products", "products_upload_enabled": "on"}
    status, _, _ = await admin.post(f"/shops/{console.shop_id}/settings?tab=products", form)
    assert status == 303
    _, switched_on, _ = await admin.get(path)
    assert 'id="upload-plan"' not in switched_on
