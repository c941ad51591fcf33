"""Stock upload: movements coalesced per SKU, then the sum of the selected warehouses pushed.

Stock-movement events only mark a SKU as owed to each uploading shop of its account; a flush
(every window) pushes one value per owed SKU — the current sum of the connection's selected
warehouses — in Batch API chunks. Many movements of one SKU in a window cost one sub-request.
A connection switched off (or moved off upload) has its owed SKUs dropped, unsent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.stock_sync.stock_rows import (
    account_skus,
    link_found,
    remote_ids,
    sums,
    uploading_connections,
)
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.shoprenter.client import BatchRequest, BatchResult, HttpShoprenterClient
from shopsync.adapters.shoprenter.mapping import product_update_json
from shopsync.domain.shoprenter_values import decimal

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    skus_pushed: int = 0
    api_calls: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    dropped: int = 0


class StockUploader:
    """Pushes owed SKUs' stock to one connection's shop."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def uploading_connections(self, account_id: int) -> list[int]:
        async with self._sessions() as session:
            return await uploading_connections(session, account_id)

    async def push(
        self, connection_id: int, skus: set[str], client: HttpShoprenterClient
    ) -> PushReport:
        """The selected warehouses' sum of each SKU, in one batch; unlinked SKUs looked up."""
        target = await self._target(connection_id, skus)
        if target is None:
            return PushReport(dropped=len(skus))  # switched off: nothing more is sent
        calls_before = client.stats.requests
        await target.look_up_unlinked(client)
        report = _tally(target, await client.batch(target.requests()))
        report.api_calls = client.stats.requests - calls_before
        await self._remember(connection_id, target.remote)
        return report

    async def _target(self, connection_id: int, skus: set[str]) -> _PushTarget | None:
        """What to push where; None once the connection no longer uploads stock."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if connection is None or connection.stock_sync_mode != "upload":
                return None
            quantities = await sums(session, connection, skus)
            remote = await remote_ids(session, connection_id, set(quantities))
            return _PushTarget(connection.stock_field, quantities, remote)

    async def drifted(self, connection_id: int, client: HttpShoprenterClient) -> set[str]:
        """Reconciliation: SKUs whose shop value differs from the sum of the warehouses."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if connection is None or connection.stock_sync_mode != "upload":
                return set()
            field_name = connection.stock_field
            skus = await account_skus(session, connection.account_id)
            local = await sums(session, connection, skus)
        shop = await _shop_values(client, field_name, local)
        return {sku for sku, total in local.items() if sku in shop and shop[sku] != total}

    async def _remember(self, connection_id: int, remote: dict[str, str]) -> None:
        async with self._sessions() as session:
            await link_found(session, connection_id, remote)
            await session.commit()


@dataclass
class _PushTarget:
    """A push's stock field, the value of each SKU, and the shop ids known (found ones added)."""

    field_name: str
    quantities: dict[str, Decimal]
    remote: dict[str, str]

    async def look_up_unlinked(self, client: HttpShoprenterClient) -> None:
        """Add the shop ids found by SKU for the SKUs not linked yet."""
        missing = [sku for sku in self.quantities if sku not in self.remote]
        if missing:
            self.remote.update(await client.find_product_ids(missing))

    def requests(self) -> list[BatchRequest]:
        """One PUT per SKU with a shop id, in SKU order."""
        return [
            BatchRequest(
                "PUT",
                f"products/{self.remote[sku]}",
                product_update_json(stock_field=self.field_name, quantity=qty),
            )
            for sku, qty in sorted(self.quantities.items())
            if sku in self.remote
        ]


def _tally(target: _PushTarget, results: list[BatchResult]) -> PushReport:
    """SKUs pushed, and each refused SKU with the shop's reason."""
    sku_of = {f"products/{target.remote[s]}": s for s in target.quantities if s in target.remote}
    failed = {sku_of.get(r.request.uri, "?"): f"{r.status} {r.reason}" for r in results if not r.ok}
    return PushReport(skus_pushed=sum(r.ok for r in results), failed=failed)


async def _shop_values(
    client: HttpShoprenterClient, field_name: str, wanted: dict[str, Decimal]
) -> dict[str, Decimal]:
    """The shop's stock field of each wanted SKU it lists."""
    shop: dict[str, Decimal] = {}
    async for item in client.iterate("products"):
        sku = str(item.get("sku") or "")
        if sku in wanted:
            shop[sku] = decimal(item.get(field_name))
    return shop
