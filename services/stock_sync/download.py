"""Stock download: the shop's stock field into one chosen warehouse, as adjustments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeGuard

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.domain.shoprenter_values import decimal, text
from shopsync.service_layer.stock import take_shop_stock


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
        field_name = await self._downloading_field(connection_id)
        if field_name is None:
            return report
        shop_stock = await _shop_stock(client, field_name)
        report.seen = len(shop_stock)
        async with SqlAlchemyUnitOfWork(self._sessions) as uow:
            target = await uow.stock.download_target(connection_id)
            if target is None:  # switched off while we were reading
                return report
            report.adjusted, report.unknown_skus = await take_shop_stock(uow, target, shop_stock)
            await uow.commit()
        return report

    async def _downloading_field(self, connection_id: int) -> str | None:
        """The shop's stock field to read; None unless the connection downloads into a warehouse."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            return connection.stock_field if _downloads_into_warehouse(connection) else None


def _downloads_into_warehouse(connection: ShopConnection | None) -> TypeGuard[ShopConnection]:
    return (
        connection is not None
        and connection.stock_sync_mode == "download"
        and connection.stock_download_warehouse_id is not None
    )


async def _shop_stock(client: HttpShoprenterClient, field_name: str) -> dict[str, Decimal]:
    """The shop's stock field of each product with a SKU."""
    shop_stock: dict[str, Decimal] = {}
    async for item in client.iterate("products"):
        sku = text(item.get("sku"))
        if sku:
            shop_stock[sku] = decimal(item.get(field_name))
    return shop_stock
