"""The use cases of setting a catalog up by hand: products, warehouses, price groups."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, PriceGroup, ProductGroup, Warehouse
from shopsync.domain.product_changes import (
    Change,
    ProductWrite,
    StoredProduct,
    change_of,
    changed,
    wanted_fields,
)
from shopsync.domain.product_input import ProductSpec
from shopsync.service_layer.ports import CatalogStore, UnitOfWork
from shopsync.service_layer.shops import find_account, get_or_create_account

__all__ = ["CatalogError", "Change", "add_named", "list_named", "save_products"]


class CatalogError(Exception):
    """A catalog command that cannot be done; the message says why and what to run."""


async def account_named(session: AsyncSession, name: str) -> Account:
    account = await find_account(session, name)
    if account is None:
        raise CatalogError(f"no account named {name!r}")
    return account


async def save_products(
    uow: UnitOfWork, account_name: str, specs: list[ProductSpec]
) -> list[tuple[str, Change]]:
    """Create or overwrite products by SKU, all or none; a change event for each changed one."""
    store = uow.catalog
    account_id = await store.account_id(account_name, create=True)
    assert account_id is not None
    saving = await _saving(store, account_id, specs)
    stored = await store.products(account_id, [s.sku for s in specs])
    return [await saving.save(spec, stored.get(spec.sku)) for spec in specs]


async def _saving(store: CatalogStore, account_id: int, specs: list[ProductSpec]) -> _Saving:
    """What saving the specs needs: the ids of the product groups and price groups they name."""
    price_groups = await _price_groups(store, account_id, {g for s in specs for g in s.prices})
    groups = await store.product_group_ids(account_id, {s.group for s in specs if s.group})
    return _Saving(store, account_id, groups, price_groups)


@dataclass(frozen=True)
class _Saving:
    store: CatalogStore
    account_id: int
    groups: dict[str, int]
    price_groups: dict[str, int]

    async def save(self, spec: ProductSpec, stored: StoredProduct | None) -> tuple[str, Change]:
        """Write what the spec changes of the stored product (all of it when it is new)."""
        fields = wanted_fields(spec, self.groups.get(spec.group))
        prices = {self.price_groups[name]: net for name, net in spec.prices.items()}
        if stored is not None:
            fields, prices = changed(stored.fields, fields), changed(stored.prices, prices)
        change = change_of(stored, fields, prices)
        if change != "unchanged":
            await self.store.save(ProductWrite(self.account_id, spec.sku, fields, prices, change))
        return spec.sku, change


async def _price_groups(store: CatalogStore, account_id: int, names: set[str]) -> dict[str, int]:
    found = await store.price_group_ids(account_id, names)
    missing = sorted(names - set(found))
    if missing:
        raise _no_price_groups(missing)
    return found


def _no_price_groups(missing: list[str]) -> CatalogError:
    """The refusal naming the missing price groups and the commands that add them."""
    commands = "; ".join(f"shopsync price-groups add {n!r}" for n in missing)
    return CatalogError(f"no price group {', '.join(map(repr, missing))}: first {commands}")


async def named_ids(
    session: AsyncSession,
    model: type[PriceGroup] | type[ProductGroup] | type[Warehouse],
    account_id: int,
    names: set[str],
) -> dict[str, int]:
    if not names:
        return {}
    rows = await session.execute(
        select(model.name, model.id).where(model.account_id == account_id, model.name.in_(names))
    )
    return {name: id_ for name, id_ in rows}


async def add_named(
    session: AsyncSession,
    model: type[PriceGroup] | type[Warehouse],
    account_name: str,
    name: str,
    **fields: Any,
) -> int:
    """A new warehouse or price group of the account; refused if the name is taken."""
    name = _checked_name(name)
    account = await get_or_create_account(session, account_name)
    if await named_ids(session, model, account.id, {name}):
        raise CatalogError(f"{model.__tablename__[:-1].replace('_', ' ')} {name!r} exists already")
    row = model(account_id=account.id, name=name, **fields)
    session.add(row)
    await session.flush()
    return int(row.id)


def _checked_name(name: str) -> str:
    """The name without surrounding blanks; refused when empty or over 200 characters."""
    name = name.strip()
    if not name or len(name) > 200:
        raise CatalogError("a name of 1 to 200 characters is needed")
    return name


async def list_named(
    session: AsyncSession, model: type[PriceGroup] | type[Warehouse], account_name: str
) -> list[Any]:
    account = await account_named(session, account_name)
    query = select(model).where(model.account_id == account.id).order_by(model.name)
    return list((await session.execute(query)).scalars())


def price_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
