"""Manual stock changes: `shopsync stock set` and its code twin, as movements like any other."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from shopsync.adapters.db.models import Account, Product, StockLevel, StockMovement, Warehouse
from shopsync.adapters.db.outbox_records import stock_moved
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork


class StockError(Exception):
    """A stock command that cannot be done; the message says why."""


async def set_stock(
    uow: SqlAlchemyUnitOfWork, account: str, sku: str, warehouse: str, quantity: Decimal
) -> Decimal:
    """Set a level; the difference is recorded as a manual movement. Returns the delta."""
    session = uow.session
    owner = (
        await session.execute(select(Account).where(Account.name == account))
    ).scalar_one_or_none()
    if owner is None:
        raise StockError(f"no account {account!r}")
    product = (
        await session.execute(
            select(Product).where(Product.account_id == owner.id, Product.sku == sku)
        )
    ).scalar_one_or_none()
    if product is None:
        raise StockError(f"no product with SKU {sku!r} in account {account!r}")
    store = (
        await session.execute(
            select(Warehouse).where(Warehouse.account_id == owner.id, Warehouse.name == warehouse)
        )
    ).scalar_one_or_none()
    if store is None:
        raise StockError(f"no warehouse {warehouse!r} in account {account!r}")
    level = await session.get(StockLevel, (store.id, product.id))
    current = level.quantity if level is not None else Decimal(0)
    delta = quantity - current
    if not delta:
        return delta
    if level is None:
        session.add(StockLevel(warehouse_id=store.id, product_id=product.id, quantity=quantity))
    else:
        level.quantity = quantity
    row = {
        "account_id": owner.id,
        "warehouse_id": store.id,
        "product_id": product.id,
        "quantity": delta,
        "reason": "manual",
        "document_id": None,
        "note": "shopsync stock set",
        "created_at": datetime.now(UTC),
    }
    movement = StockMovement(**row)
    session.add(movement)
    await session.flush()
    uow.emit(*stock_moved(movement.id, row, sku))
    return delta
