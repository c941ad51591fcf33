"""Stock levels and movements in SQL: lookups by name and SKU, and levels set as movements."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import (
    Account,
    Product,
    ShopConnection,
    StockLevel,
    StockMovement,
    Warehouse,
)
from shopsync.adapters.db.outbox_records import Outgoing, StockReason, stock_moved
from shopsync.domain.stock_levels import DownloadTarget, LevelChange


class SqlAlchemyStockStore:
    """Writes in the unit of work's session; StockMoved records go out through `emit`."""

    def __init__(self, session: AsyncSession, emit: Callable[[Outgoing], None]) -> None:
        self._session = session
        self._emit = emit

    async def download_target(self, connection_id: int) -> DownloadTarget | None:
        """Where this connection downloads the shop's stock to; None when it does not."""
        connection = await self._session.get(ShopConnection, connection_id)
        if connection is None or connection.stock_sync_mode != "download":
            return None
        warehouse_id = connection.stock_download_warehouse_id
        if warehouse_id is None:
            return None
        note = f"shop {connection.shoprenter_path} {connection.stock_field}"
        return DownloadTarget(connection.account_id, warehouse_id, connection.stock_field, note)

    async def account_id(self, name: str) -> int | None:
        query = select(Account.id).where(Account.name == name)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def warehouse_id(self, account_id: int, name: str) -> int | None:
        query = select(Warehouse.id).where(
            Warehouse.account_id == account_id, Warehouse.name == name
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def products(self, account_id: int, skus: Iterable[str]) -> dict[str, int]:
        """Product ids by SKU, of the SKUs asked about that the account has."""
        query = select(Product.sku, Product.id).where(
            Product.account_id == account_id, Product.sku.in_(list(skus))
        )
        return {sku: product_id for sku, product_id in await self._session.execute(query)}

    async def levels(self, warehouse_id: int, product_ids: Iterable[int]) -> dict[int, Decimal]:
        """Quantities by product id, of the products that have a level in the warehouse."""
        query = select(StockLevel.product_id, StockLevel.quantity).where(
            StockLevel.warehouse_id == warehouse_id, StockLevel.product_id.in_(list(product_ids))
        )
        return {product_id: qty for product_id, qty in await self._session.execute(query)}

    async def record(self, changes: list[LevelChange], reason: StockReason, note: str) -> None:
        """Set each level and write its difference as a movement with its StockMoved."""
        if not changes:
            return
        await self._set_levels(changes)
        now = datetime.now(UTC)
        rows = [_movement_row(c, reason, note, now) for c in changes]
        movements = [StockMovement(**row) for row in rows]
        self._session.add_all(movements)
        await self._session.flush()  # the movements' ids, for their events
        for movement, row, change in zip(movements, rows, changes, strict=True):
            self._emit(stock_moved(movement.id, row, change.sku))

    async def _set_levels(self, changes: list[LevelChange]) -> None:
        stored = await self._level_rows(changes)
        for change in changes:
            level = stored.get((change.warehouse_id, change.product_id))
            if level is None:
                level = StockLevel(warehouse_id=change.warehouse_id, product_id=change.product_id)
                self._session.add(level)
            level.quantity = change.quantity

    async def _level_rows(self, changes: list[LevelChange]) -> dict[tuple[int, int], StockLevel]:
        rows: dict[tuple[int, int], StockLevel] = {}
        for warehouse_id, product_ids in _products_by_warehouse(changes).items():
            query = select(StockLevel).where(
                StockLevel.warehouse_id == warehouse_id, StockLevel.product_id.in_(product_ids)
            )
            for level in (await self._session.execute(query)).scalars():
                rows[(level.warehouse_id, level.product_id)] = level
        return rows


def _products_by_warehouse(changes: list[LevelChange]) -> dict[int, list[int]]:
    by_warehouse: dict[int, list[int]] = {}
    for change in changes:
        by_warehouse.setdefault(change.warehouse_id, []).append(change.product_id)
    return by_warehouse


def _movement_row(
    change: LevelChange, reason: StockReason, note: str, now: datetime
) -> dict[str, Any]:
    return {
        "account_id": change.account_id,
        "warehouse_id": change.warehouse_id,
        "product_id": change.product_id,
        "quantity": change.delta,
        "reason": reason,
        "document_id": None,
        "note": note,
        "created_at": now,
    }
