"""Stock download: the shop's stock field into one chosen warehouse, as adjustments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import Product, ShopConnection, StockLevel
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.domain.shoprenter_values import decimal, text
from shopsync.service_layer.stock import LevelChange, record_levels


@dataclass
class StockDownloadReport:
    seen: int = 0
    adjusted: int = 0
    unknown_skus: int = 0


class StockDownloader:
    """Sets the chosen warehouse to what the shop says, recording each change as a movement."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def run(self, connection_id: int, client: HttpShoprenterClient) -> StockDownloadReport:
        report = StockDownloadReport()
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if (
                connection is None
                or connection.stock_sync_mode != "download"
                or connection.stock_download_warehouse_id is None
            ):
                return report
            field_name = connection.stock_field
        shop_stock: dict[str, Decimal] = {}
        async for item in client.iterate("products"):
            sku = text(item.get("sku"))
            if sku:
                shop_stock[sku] = decimal(item.get(field_name))
        report.seen = len(shop_stock)
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            connection = await uow.session.get(ShopConnection, connection_id)
            assert connection is not None
            if connection.stock_sync_mode != "download":  # switched while we were reading
                return report
            await _apply(uow, connection, shop_stock, report)
            await uow.commit()
        return report


async def _apply(
    uow: SqlAlchemyUnitOfWork,
    connection: ShopConnection,
    shop_stock: dict[str, Decimal],
    report: StockDownloadReport,
) -> None:
    """The chosen warehouse's levels set to the shop's; movements and StockMoved as any writer's."""
    session = uow.session
    warehouse_id = connection.stock_download_warehouse_id
    assert warehouse_id is not None
    products = dict(
        (
            await session.execute(
                select(Product.sku, Product.id).where(
                    Product.account_id == connection.account_id, Product.sku.in_(list(shop_stock))
                )
            )
        ).all()
    )
    report.unknown_skus = len(shop_stock) - len(products)
    levels = {
        level.product_id: level
        for level in (
            await session.execute(
                select(StockLevel).where(
                    StockLevel.warehouse_id == warehouse_id,
                    StockLevel.product_id.in_(list(products.values())),
                )
            )
        ).scalars()
    }
    changes = [
        LevelChange(
            connection.account_id,
            warehouse_id,
            product_id,
            sku,
            levels.get(product_id),
            shop_stock[sku],
        )
        for sku, product_id in products.items()
    ]
    note = f"shop {connection.shoprenter_path} {connection.stock_field}"
    report.adjusted = len(await record_levels(uow, changes, "download", note))
