"""Stock levels set by hand (`shopsync stock set`) or by a download, as movements like any other."""

from __future__ import annotations

from decimal import Decimal

from shopsync.adapters.db.outbox_records import StockReason
from shopsync.domain.stock_levels import DownloadTarget, LevelChange, moving
from shopsync.service_layer.ports import StockStore, UnitOfWork

__all__ = ["LevelChange", "StockError", "record_levels", "set_stock", "take_shop_stock"]


class StockError(Exception):
    """A stock command that cannot be done; the message says why."""


async def set_stock(
    uow: UnitOfWork, account: str, sku: str, warehouse: str, quantity: Decimal
) -> Decimal:
    """Set a level; the difference is recorded as a manual movement. Returns the delta."""
    store = uow.stock
    account_id = _found(await store.account_id(account), f"no account {account!r}")
    where = f"in account {account!r}"
    products = await store.products(account_id, [sku])
    product_id = _found(products.get(sku), f"no product with SKU {sku!r} {where}")
    warehouse_id = _found(
        await store.warehouse_id(account_id, warehouse), f"no warehouse {warehouse!r} {where}"
    )
    current = (await store.levels(warehouse_id, [product_id])).get(product_id)
    change = LevelChange(account_id, warehouse_id, product_id, sku, current, quantity)
    moved = await record_levels(store, [change], "manual", "shopsync stock set")
    return moved[0] if moved else Decimal(0)


async def record_levels(
    store: StockStore, changes: list[LevelChange], reason: StockReason, note: str
) -> list[Decimal]:
    """Set each level; every difference becomes a movement and its StockMoved, as any writer's.

    Returns the differences recorded (levels already at their quantity record nothing).
    """
    moved = moving(changes)
    await store.record(moved, reason, note)
    return [c.delta for c in moved]


def _found(value: int | None, missing: str) -> int:
    if value is None:
        raise StockError(missing)
    return value


async def take_shop_stock(
    uow: UnitOfWork, target: DownloadTarget, shop_stock: dict[str, Decimal]
) -> tuple[int, int]:
    """The target warehouse set to the shop's stock by SKU: (levels changed, unknown SKUs)."""
    products = await uow.stock.products(target.account_id, shop_stock)
    levels = await uow.stock.levels(target.warehouse_id, products.values())
    changes = [
        LevelChange(
            target.account_id, target.warehouse_id, pid, sku, levels.get(pid), shop_stock[sku]
        )
        for sku, pid in products.items()
    ]
    moved = await record_levels(uow.stock, changes, "download", target.note)
    return len(moved), len(shop_stock) - len(products)
