"""Manual stock changes: `shopsync stock set` and its code twin, as movements like any other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, Product, StockLevel, StockMovement, Warehouse
from shopsync.adapters.db.outbox_records import StockReason, stock_moved
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork

T = TypeVar("T")


class StockError(Exception):
    """A stock command that cannot be done; the message says why."""


async def set_stock(
    uow: SqlAlchemyUnitOfWork, account: str, sku: str, warehouse: str, quantity: Decimal
) -> Decimal:
    """Set a level; the difference is recorded as a manual movement. Returns the delta."""
    session = uow.session
    owner = await _one(
        session, select(Account).where(Account.name == account), f"no account {account!r}"
    )
    where = f"in account {account!r}"
    product = await _one(
        session,
        select(Product).where(Product.account_id == owner.id, Product.sku == sku),
        f"no product with SKU {sku!r} {where}",
    )
    store = await _one(
        session,
        select(Warehouse).where(Warehouse.account_id == owner.id, Warehouse.name == warehouse),
        f"no warehouse {warehouse!r} {where}",
    )
    level = await session.get(StockLevel, (store.id, product.id))
    change = LevelChange(owner.id, store.id, product.id, sku, level, quantity)
    moved = await record_levels(uow, [change], "manual", "shopsync stock set")
    return moved[0] if moved else Decimal(0)


async def _one(session: AsyncSession, query: Select[T], missing: str) -> T:
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise StockError(missing)
    return found


@dataclass(frozen=True)
class LevelChange:
    """One product's level in one warehouse set to `quantity` (its row, if it has one)."""

    account_id: int
    warehouse_id: int
    product_id: int
    sku: str
    level: StockLevel | None
    quantity: Decimal


async def record_levels(
    uow: SqlAlchemyUnitOfWork, changes: list[LevelChange], reason: StockReason, note: str
) -> list[Decimal]:
    """Set each level; every difference becomes a movement and its StockMoved, as any writer's.

    Returns the differences recorded (levels already at their quantity record nothing).
    """
    session = uow.session
    now = datetime.now(UTC)
    written: list[tuple[StockMovement, dict[str, Any], str]] = []
    for change in changes:
        current = change.level.quantity if change.level is not None else Decimal(0)
        delta = change.quantity - current
        if not delta:
            continue
        if change.level is None:
            session.add(
                StockLevel(
                    warehouse_id=change.warehouse_id,
                    product_id=change.product_id,
                    quantity=change.quantity,
                )
            )
        else:
            change.level.quantity = change.quantity
        row = {
            "account_id": change.account_id,
            "warehouse_id": change.warehouse_id,
            "product_id": change.product_id,
            "quantity": delta,
            "reason": reason,
            "document_id": None,
            "note": note,
            "created_at": now,
        }
        written.append((StockMovement(**row), row, change.sku))
    if not written:
        return []
    session.add_all([movement for movement, _, _ in written])
    await session.flush()  # the movements' ids, for their events
    for movement, row, sku in written:
        uow.emit(stock_moved(movement.id, row, sku))
    return [row["quantity"] for _, row, _ in written]
