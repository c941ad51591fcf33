"""What an order batch reads before deciding: connections, the inbox claim, SKUs by account."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import insert_ignoring_conflicts
from shopsync.adapters.db.models import ProcessedEvent, Product, ShopConnection

INBOX = cast(Table, ProcessedEvent.__table__)


async def connections_by_id(session: AsyncSession, ids: set[int]) -> dict[int, ShopConnection]:
    rows = await session.execute(select(ShopConnection).where(ShopConnection.id.in_(ids)))
    return {c.id: c for c in rows.scalars()}


async def claim_events(session: AsyncSession, consumer: str, event_ids: set[str]) -> set[str]:
    """Write the inbox rows of these events; the ids that were not there before.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING` instead of a lookup: the unique index
    answers, whatever plan the database would choose for a 500-value IN list; a concurrent
    worker claiming the same event waits for the other's commit and then sees it taken.
    """
    if not event_ids:
        return set()
    now = datetime.now(UTC)
    statement = insert_ignoring_conflicts(session, INBOX, ["consumer", "event_id"]).returning(
        INBOX.c.event_id
    )
    rows = [{"consumer": consumer, "event_id": e, "processed_at": now} for e in event_ids]
    return set((await session.execute(statement, rows)).scalars())


async def products_by_sku(
    session: AsyncSession, wanted: Iterable[tuple[int, str]]
) -> dict[int, dict[str, int]]:
    """Product ids by account and SKU, for the (account, SKU) pairs asked about."""
    pairs = set(wanted)
    if not pairs:
        return {}
    query = select(Product.account_id, Product.sku, Product.id).where(
        Product.account_id.in_({a for a, _ in pairs}), Product.sku.in_({s for _, s in pairs})
    )
    rows = await session.execute(query)
    catalogs: dict[int, dict[str, int]] = defaultdict(dict)
    for account_id, sku, product_id in rows:
        if (account_id, sku) in pairs:
            catalogs[account_id][sku] = product_id
    return catalogs
