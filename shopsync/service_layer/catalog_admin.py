"""The use cases of setting a catalog up by hand: products, warehouses, price groups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, Price, PriceGroup, Product, ProductGroup, Warehouse
from shopsync.adapters.db.outbox_records import catalog_changed
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.product_input import ProductSpec

Change = Literal["created", "updated", "unchanged"]


class CatalogError(Exception):
    """A catalog command that cannot be done; the message says why and what to run."""


async def account_named(session: AsyncSession, name: str, create: bool = False) -> Account:
    account = (
        await session.execute(select(Account).where(Account.name == name))
    ).scalar_one_or_none()
    if account is None and create:
        account = Account(name=name, settings={})
        session.add(account)
        await session.flush()
    if account is None:
        raise CatalogError(f"no account named {name!r}")
    return account


async def save_products(
    uow: SqlAlchemyUnitOfWork, account_name: str, specs: list[ProductSpec]
) -> list[tuple[str, Change]]:
    """Create or overwrite products by SKU, all or none; a change event for each changed one."""
    session = uow.session
    account = await account_named(session, account_name, create=True)
    price_groups = await _price_groups(session, account, {g for s in specs for g in s.prices})
    groups = await _product_groups(session, account, {s.group for s in specs if s.group})
    existing = {
        p.sku: p
        for p in (
            await session.execute(
                select(Product).where(
                    Product.account_id == account.id, Product.sku.in_([s.sku for s in specs])
                )
            )
        ).scalars()
    }
    results: list[tuple[str, Change]] = []
    for spec in specs:
        product = existing.get(spec.sku)
        created = product is None
        if product is None:
            product = Product(account_id=account.id, sku=spec.sku, name=spec.name)
            session.add(product)
        changed = _apply(product, spec, groups.get(spec.group))
        await session.flush()
        changed = await _set_prices(session, product, spec, price_groups) or changed
        if created or changed:
            change: Literal["created", "updated"] = "created" if created else "updated"
            uow.emit(catalog_changed(account.id, product.id, spec.sku, change))
            results.append((spec.sku, change))
        else:
            results.append((spec.sku, "unchanged"))
    return results


def _apply(product: Product, spec: ProductSpec, group_id: int | None) -> bool:
    wanted: dict[str, Any] = {"name": spec.name, "vat_rate": spec.vat_rate}
    if spec.group:
        wanted["group_id"] = group_id
    if spec.net_price is not None:
        wanted["net_price"] = spec.net_price
    changed = False
    for name, value in wanted.items():
        if getattr(product, name, None) != value:
            setattr(product, name, value)
            changed = True
    return changed


async def _set_prices(
    session: AsyncSession, product: Product, spec: ProductSpec, groups: dict[str, int]
) -> bool:
    if not spec.prices:
        return False
    current = {
        p.price_group_id: p
        for p in (
            await session.execute(select(Price).where(Price.product_id == product.id))
        ).scalars()
    }
    changed = False
    for name, net in spec.prices.items():
        price = current.get(groups[name])
        if price is None:
            session.add(Price(price_group_id=groups[name], product_id=product.id, net_price=net))
            changed = True
        elif price.net_price != net:
            price.net_price = net
            changed = True
    return changed


async def _price_groups(session: AsyncSession, account: Account, names: set[str]) -> dict[str, int]:
    found = await named_ids(session, PriceGroup, account.id, names)
    missing = sorted(names - set(found))
    if missing:
        commands = "; ".join(f"shopsync price-groups add {n!r}" for n in missing)
        raise CatalogError(f"no price group {', '.join(map(repr, missing))}: first {commands}")
    return found


async def _product_groups(
    session: AsyncSession, account: Account, names: set[str]
) -> dict[str, int]:
    found = await named_ids(session, ProductGroup, account.id, names)
    for name in sorted(names - set(found)):
        group = ProductGroup(account_id=account.id, name=name)
        session.add(group)
        await session.flush()
        found[name] = group.id
    return found


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
    name = name.strip()
    if not name or len(name) > 200:
        raise CatalogError("a name of 1 to 200 characters is needed")
    account = await account_named(session, account_name, create=True)
    if await named_ids(session, model, account.id, {name}):
        raise CatalogError(f"{model.__tablename__[:-1].replace('_', ' ')} {name!r} exists already")
    row = model(account_id=account.id, name=name, **fields)
    session.add(row)
    await session.flush()
    return int(row.id)


async def list_named(
    session: AsyncSession, model: type[PriceGroup] | type[Warehouse], account_name: str
) -> list[Any]:
    account = await account_named(session, account_name)
    rows = await session.execute(
        select(model).where(model.account_id == account.id).order_by(model.name)
    )
    return list(rows.scalars())


def price_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
