"""The local catalog in SQL for hand-made changes: accounts, groups, products and prices."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.base import Base
from shopsync.adapters.db.models import Account, Price, PriceGroup, Product, ProductGroup
from shopsync.adapters.db.outbox_records import Outgoing, catalog_changed
from shopsync.domain.product_changes import ProductWrite, StoredProduct

Row = TypeVar("Row", bound=Base)


class SqlAlchemyCatalogStore:
    """Writes in the unit of work's session; CatalogChanged records go out through `emit`."""

    def __init__(self, session: AsyncSession, emit: Callable[[Outgoing], None]) -> None:
        self._session = session
        self._emit = emit

    async def account_id(self, name: str, create: bool = False) -> int | None:
        """The account's id; a new account when `create` and there is none."""
        found = await self._session.scalar(select(Account.id).where(Account.name == name))
        if found is None and create:
            return (await self._flushed(Account(name=name, settings={}))).id
        return found

    async def price_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]:
        return await self._named_ids(PriceGroup, account_id, names)

    async def product_group_ids(self, account_id: int, names: set[str]) -> dict[str, int]:
        """Ids of the account's product groups by name; the missing ones are created."""
        found = await self._named_ids(ProductGroup, account_id, names)
        for name in sorted(names - set(found)):
            group = await self._flushed(ProductGroup(account_id=account_id, name=name))
            found[name] = group.id
        return found

    async def _flushed(self, row: Row) -> Row:
        """The row, added and flushed so that its id is known."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, StoredProduct]:
        query = select(Product).where(Product.account_id == account_id, Product.sku.in_(list(skus)))
        found = list((await self._session.execute(query)).scalars())
        prices = await self._prices([p.id for p in found])
        return {p.sku: _stored(p, prices.get(p.id, {})) for p in found}

    async def save(self, write: ProductWrite) -> None:
        """Write the product's fields and prices (created if new) and its CatalogChanged."""
        product = await self._product(write.account_id, write.sku, write.fields)
        for name, value in write.fields.items():
            setattr(product, name, value)
        await self._session.flush()
        await self._set_prices(product.id, write.prices)
        self._emit(catalog_changed(write.account_id, product.id, write.sku, write.change))

    async def _product(self, account_id: int, sku: str, fields: Mapping[str, Any]) -> Product:
        query = select(Product).where(Product.account_id == account_id, Product.sku == sku)
        product = (await self._session.execute(query)).scalar_one_or_none()
        if product is None:
            product = Product(account_id=account_id, sku=sku, name=fields.get("name", sku))
            self._session.add(product)
        return product

    async def _set_prices(self, product_id: int, prices: Mapping[int, Decimal]) -> None:
        if not prices:
            return
        query = select(Price).where(Price.product_id == product_id)
        current = {p.price_group_id: p for p in (await self._session.execute(query)).scalars()}
        for group_id, net in prices.items():
            price = current.get(group_id)
            if price is None:
                self._session.add(
                    Price(price_group_id=group_id, product_id=product_id, net_price=net)
                )
            else:
                price.net_price = net

    async def _prices(self, product_ids: list[int]) -> dict[int, dict[int, Decimal]]:
        if not product_ids:
            return {}
        query = select(Price).where(Price.product_id.in_(product_ids))
        found: dict[int, dict[int, Decimal]] = {}
        for price in (await self._session.execute(query)).scalars():
            found.setdefault(price.product_id, {})[price.price_group_id] = price.net_price
        return found

    async def _named_ids(
        self, model: type[PriceGroup] | type[ProductGroup], account_id: int, names: set[str]
    ) -> dict[str, int]:
        if not names:
            return {}
        query = select(model.name, model.id).where(
            model.account_id == account_id, model.name.in_(names)
        )
        return {name: id_ for name, id_ in await self._session.execute(query)}


FIELDS = ("name", "vat_rate", "group_id", "net_price")


def _stored(product: Product, prices: dict[int, Decimal]) -> StoredProduct:
    return StoredProduct(product.id, {f: getattr(product, f) for f in FIELDS}, prices)
