"""Stock upload: movements coalesced per SKU, then the sum of the selected warehouses pushed.

Stock-movement events only mark a SKU as owed to each uploading shop of its account; a flush
(every window) pushes one value per owed SKU — the current sum of the connection's selected
warehouses — in Batch API chunks. Many movements of one SKU in a window cost one sub-request.
A connection switched off (or moved off upload) has its owed SKUs dropped, unsent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import Product, ProductLink, ShopConnection, StockLevel
from shopsync.adapters.shoprenter.client import BatchRequest, HttpShoprenterClient
from shopsync.adapters.shoprenter.mapping import product_update_json
from shopsync.domain.shoprenter_values import decimal

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    skus_pushed: int = 0
    api_calls: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    dropped: int = 0


#: A push that failed as a whole (shop down, credentials refused) is tried again after this
#: pause, doubled after each further failure of that shop, up to RETRY_MAX_S.
RETRY_FIRST_S = 5.0
RETRY_MAX_S = 60.0  # one attempt a minute costs a down shop nothing; recovery stays prompt


class StockOwed:
    """SKUs owed to shops, coalesced: a SKU moved 50 times in a window is pushed once.

    A failed push owes its SKUs again; that shop is then left alone for a growing pause so a
    shop that is down is not hammered every second, and nothing owed is forgotten meanwhile.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._owed: dict[int, set[str]] = {}
        self._held_until: dict[int, float] = {}
        self._failures: dict[int, int] = {}
        self._clock = clock
        self.movements = 0

    def add(self, connection_ids: list[int], sku: str) -> None:
        self.movements += 1
        for connection_id in connection_ids:
            self._owed.setdefault(connection_id, set()).add(sku)

    def take(self) -> dict[int, set[str]]:
        """Everything owed to shops that are not pausing after a failure."""
        now = self._clock()
        due = {c: skus for c, skus in self._owed.items() if self._held_until.get(c, 0.0) <= now}
        for connection_id in due:
            del self._owed[connection_id]
        return due

    def failed(self, connection_id: int, skus: set[str]) -> float:
        """Owe `skus` again after a pause; returns the pause in seconds."""
        failures = self._failures[connection_id] = self._failures.get(connection_id, 0) + 1
        pause = min(RETRY_MAX_S, RETRY_FIRST_S * 2.0 ** (failures - 1))
        self._held_until[connection_id] = self._clock() + pause
        self._owed.setdefault(connection_id, set()).update(skus)
        return pause

    def succeeded(self, connection_id: int) -> None:
        self._failures.pop(connection_id, None)
        self._held_until.pop(connection_id, None)

    def waiting(self) -> int:
        """SKU values owed and not yet pushed, over all shops."""
        return sum(len(skus) for skus in self._owed.values())


class StockUploader:
    """Pushes owed SKUs' stock to one connection's shop."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def uploading_connections(self, account_id: int) -> list[int]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(ShopConnection.id).where(
                    ShopConnection.account_id == account_id,
                    ShopConnection.enabled.is_(True),
                    ShopConnection.stock_enabled.is_(True),
                    ShopConnection.stock_mode == "upload",
                )
            )
            return list(rows.scalars())

    async def push(
        self, connection_id: int, skus: set[str], client: HttpShoprenterClient
    ) -> PushReport:
        report = PushReport()
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if connection is None or connection.stock_sync_mode != "upload":
                report.dropped = len(skus)  # switched off: nothing more is sent
                return report
            quantities = await _sums(session, connection, skus)
            remote = await _remote_ids(session, connection_id, set(quantities))
            field_name = connection.stock_field
        missing = [sku for sku in quantities if sku not in remote]
        calls_before = client.stats.requests
        if missing:
            remote.update(await client.find_product_ids(missing))
        requests = [
            BatchRequest(
                "PUT",
                f"products/{remote[sku]}",
                product_update_json(stock_field=field_name, quantity=qty),
            )
            for sku, qty in sorted(quantities.items())
            if sku in remote
        ]
        sku_of = {f"products/{remote[sku]}": sku for sku in quantities if sku in remote}
        for result in await client.batch(requests):
            sku = sku_of.get(result.request.uri, "?")
            if result.ok:
                report.skus_pushed += 1
            else:
                report.failed[sku] = f"{result.status} {result.reason}"
        report.api_calls = client.stats.requests - calls_before
        await self._remember(connection_id, remote)
        return report

    async def drifted(self, connection_id: int, client: HttpShoprenterClient) -> set[str]:
        """Reconciliation: SKUs whose shop value differs from the sum of the warehouses."""
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            if connection is None or connection.stock_sync_mode != "upload":
                return set()
            field_name = connection.stock_field
            skus = set(
                (
                    await session.execute(
                        select(Product.sku).where(Product.account_id == connection.account_id)
                    )
                ).scalars()
            )
            local = await _sums(session, connection, skus)
        shop: dict[str, Decimal] = {}
        async for item in client.iterate("products"):
            sku = str(item.get("sku") or "")
            if sku in local:
                shop[sku] = decimal(item.get(field_name))
        return {sku for sku, total in local.items() if sku in shop and shop[sku] != total}

    async def _remember(self, connection_id: int, remote: dict[str, str]) -> None:
        async with self._sessions() as session:
            products = dict(
                (
                    await session.execute(
                        select(Product.sku, Product.id)
                        .join(ShopConnection, ShopConnection.account_id == Product.account_id)
                        .where(ShopConnection.id == connection_id, Product.sku.in_(list(remote)))
                    )
                ).all()
            )
            known = set(
                (
                    await session.execute(
                        select(ProductLink.product_id).where(
                            ProductLink.connection_id == connection_id,
                            ProductLink.product_id.in_(list(products.values())),
                        )
                    )
                ).scalars()
            )
            for sku, remote_id in remote.items():
                product_id = products.get(sku)
                if product_id is not None and product_id not in known:
                    session.add(
                        ProductLink(
                            connection_id=connection_id, product_id=product_id, remote_id=remote_id
                        )
                    )
            await session.commit()


async def _sums(
    session: AsyncSession, connection: ShopConnection, skus: set[str]
) -> dict[str, Decimal]:
    warehouses = connection.stock_upload_warehouse_ids or []
    rows = await session.execute(
        select(Product.sku, func.coalesce(func.sum(StockLevel.quantity), 0))
        .outerjoin(
            StockLevel,
            (StockLevel.product_id == Product.id) & StockLevel.warehouse_id.in_(warehouses),
        )
        .where(Product.account_id == connection.account_id, Product.sku.in_(list(skus)))
        .group_by(Product.sku)
    )
    return {sku: Decimal(total) for sku, total in rows.all()}


async def _remote_ids(session: AsyncSession, connection_id: int, skus: set[str]) -> dict[str, str]:
    rows = await session.execute(
        select(Product.sku, ProductLink.remote_id)
        .join(ProductLink, ProductLink.product_id == Product.id)
        .where(
            ProductLink.connection_id == connection_id,
            Product.sku.in_(list(skus)),
            ProductLink.remote_id != "",
        )
    )
    return dict(rows.all())
