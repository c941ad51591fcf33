"""One order reconciliation pass for one connection, as an "orders" tick asks.

It runs in catalog-sync because this worker already holds what a poll needs: a client per
shop paced by the process's one limiter per shop (a poll here shares catalog's 3 requests/s
instead of adding a third budget), the leader's spread ticks, a runner that never runs one
shop twice at once, and the librdkafka producer the events go out through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.metrics import ReconcileMetrics
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.client import HttpShoprenterClient
from shopsync.adapters.shoprenter.order_reads import HttpShopOrders
from shopsync.domain.order_reconciling import lag_seconds
from shopsync.service_layer.order_reconciling import OrderReconciler, ReconcileRun, ShopRef
from shopsync.service_layer.shops import shop_access

log = logging.getLogger(__name__)


@dataclass
class ReconcileCycle:
    """Runs a connection's pass when its order intake is on; counts what it found."""

    sessions: async_sessionmaker[AsyncSession]
    cipher: CredentialCipher
    http: Callable[[], aiohttp.ClientSession]  # the process's session
    reconciler: OrderReconciler
    metrics: ReconcileMetrics
    throttled: Counter  # the shop's 429s (shopsync_shop_api_throttled_total{use="poll"})

    async def run(self, connection_id: int) -> str:
        """A tick's pass: "skipped" (intake off), "failed" or "ok"."""
        async with self.sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
        if connection is None or not (connection.enabled and connection.orders_enabled):
            return "skipped"
        return await self._pass(connection)

    async def _pass(self, connection: ShopConnection) -> str:
        access = shop_access(connection, self.cipher)
        client = HttpShoprenterClient(access, self.http(), on_throttled=self.throttled.inc)
        shop = ShopRef(connection.id, connection.account_id, connection.orders_reconcile_from)
        started = time.monotonic()
        try:
            run = await self.reconciler.run(shop, HttpShopOrders(client))
        except Exception as exc:
            log.warning("order reconciliation of connection %s failed: %r", connection.id, exc)
            self.metrics.passes.labels(result="failed").inc()
            return "failed"
        finally:
            self.metrics.api_requests.inc(client.stats.requests)
        self._counted(connection.id, run, time.monotonic() - started)
        return "ok"

    def _counted(self, connection_id: int, run: ReconcileRun, seconds: float) -> None:
        self.metrics.passes.labels(result="ok").inc()
        self.metrics.polled.inc(run.seen)
        self.metrics.recovered.inc(run.published)
        if run.mark is not None:
            lag = lag_seconds(run.mark, datetime.now(UTC))
            self.metrics.lag.labels(connection=str(connection_id)).set(lag)
        if run.published:
            log.info(
                "reconciliation of connection %s published %d of %d changed orders in %.1f s",
                connection_id,
                run.published,
                run.seen,
                seconds,
            )
