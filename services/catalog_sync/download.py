"""Catalog download: the shop's products into the account, resumable page by page.

A first sync pages through /productExtend from page 0 and stores the next page after each
committed page, so a restart continues where it stopped. Later cycles ask only for products
updated since the start of the previous successful cycle (`updatedAfter`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.db.models import (
    CatalogSyncState,
    Price,
    Product,
    ProductGroup,
    ProductLink,
    ShopConnection,
)
from shopsync.shoprenter.client import PAGE_LIMIT, HttpShoprenterClient
from shopsync.shoprenter.mapping import RemoteProduct, link_id, product_from_json

log = logging.getLogger(__name__)
# Shoprenter compares updatedAfter with its own clock: overlap a little, upserts are idempotent.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass
class DownloadReport:
    pages: int = 0
    products: int = 0
    created: int = 0
    updated: int = 0
    groups_created: int = 0
    finished: bool = False


def content_hash(sku: str, name: str, net_price: Decimal, group: str) -> str:
    """What both directions compare to tell a real change from an echo of the other side."""
    text = "\x1f".join((sku, name, f"{net_price.normalize():f}", group))
    return hashlib.sha256(text.encode()).hexdigest()


class CatalogDownloader:
    """Downloads one connection's shop into the account, committing after every page."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def run(
        self, connection_id: int, client: HttpShoprenterClient, max_pages: int | None = None
    ) -> DownloadReport:
        """One cycle (or its continuation); max_pages stops early, as a crash would."""
        report = DownloadReport()
        state = await self._state(connection_id)
        categories = await _category_names(client)
        query: dict[str, Any] = {"full": 1, "limit": PAGE_LIMIT, "page": state.next_page}
        if state.full_done and state.updated_after:
            query["updatedAfter"] = state.updated_after
        while True:
            if max_pages is not None and report.pages >= max_pages:
                return report
            try:
                page = await client.get("productExtend", query)
            except Exception as exc:
                await self._record_error(connection_id, repr(exc))
                raise
            items = [i for i in page.get("items") or [] if isinstance(i, dict)]
            has_next = bool(page.get("next"))
            await self._store_page(connection_id, items, categories, page, has_next, report)
            report.pages += 1
            if not has_next:
                report.finished = True
                return report
            query["page"] = int(query["page"]) + 1

    async def _state(self, connection_id: int) -> CatalogSyncState:
        async with self._sessions() as session:
            state = await session.get(CatalogSyncState, connection_id)
            if state is None:
                state = CatalogSyncState(
                    connection_id=connection_id, full_done=False, next_page=0, done=0, total=0
                )
                session.add(state)
            if state.next_page == 0:
                state.cycle_started_at = datetime.now(UTC)
                state.done = 0
            await session.commit()
            return state

    async def _record_error(self, connection_id: int, error: str) -> None:
        async with self._sessions() as session:
            state = await session.get(CatalogSyncState, connection_id)
            if state is not None:
                state.last_error = error[:1000]
                await session.commit()

    async def _store_page(
        self,
        connection_id: int,
        items: list[dict[str, Any]],
        categories: dict[str, str],
        page: dict[str, Any],
        has_next: bool,
        report: DownloadReport,
    ) -> None:
        async with self._sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            assert connection is not None
            state = await session.get(CatalogSyncState, connection_id)
            assert state is not None
            for item in items:
                await _upsert(session, connection, product_from_json(item), categories, report)
            state.done += len(items)
            state.total = max(state.total, _page_count(page) * PAGE_LIMIT, state.done)
            if has_next:
                state.next_page += 1
            else:
                started = state.cycle_started_at or datetime.now(UTC)
                state.full_done = True
                state.next_page = 0
                state.total = state.done
                state.updated_after = (started - CLOCK_SKEW).strftime("%Y-%m-%dT%H:%M:%S")
                state.last_success_at = datetime.now(UTC)
                state.last_error = None
            await session.commit()
        report.products += len(items)


def _page_count(page: dict[str, Any]) -> int:
    try:
        return int(page.get("pageCount") or 0)
    except (TypeError, ValueError):
        return 0


async def _category_names(client: HttpShoprenterClient) -> dict[str, str]:
    names: dict[str, str] = {}
    async for description in client.iterate("categoryDescriptions"):
        category = link_id(description.get("category"))
        if category and description.get("name") and category not in names:
            names[category] = str(description["name"])
    return names


async def _upsert(
    session: AsyncSession,
    connection: ShopConnection,
    remote: RemoteProduct,
    categories: dict[str, str],
    report: DownloadReport,
) -> None:
    if not remote.sku:
        return
    group_name = next((categories[c] for c in remote.category_ids if c in categories), "")
    group_id = await _group(session, connection.account_id, group_name, report)
    product = (
        await session.execute(
            select(Product).where(
                Product.account_id == connection.account_id, Product.sku == remote.sku
            )
        )
    ).scalar_one_or_none()
    if product is None:
        product = Product(
            account_id=connection.account_id, sku=remote.sku, name=remote.name or remote.sku
        )
        session.add(product)
        report.created += 1
    else:
        report.updated += 1
    product.name = remote.name or product.name
    product.net_price = remote.net_price
    product.group_id = group_id or product.group_id
    await session.flush()
    if connection.products_download_price_group_id:
        await _price(
            session, connection.products_download_price_group_id, product.id, remote.net_price
        )
    digest = content_hash(remote.sku, product.name, remote.net_price, group_name)
    link = await session.get(ProductLink, (connection.id, product.id))
    if link is None:
        link = ProductLink(
            connection_id=connection.id, product_id=product.id, remote_id=remote.resource_id
        )
        session.add(link)
    link.remote_id = remote.resource_id
    # No ping-pong: what was just downloaded counts as already uploaded.
    link.downloaded_hash = link.uploaded_hash = digest


async def _group(
    session: AsyncSession, account_id: int, name: str, report: DownloadReport
) -> int | None:
    if not name:
        return None
    group = (
        await session.execute(
            select(ProductGroup).where(
                ProductGroup.account_id == account_id, ProductGroup.name == name
            )
        )
    ).scalar_one_or_none()
    if group is None:
        group = ProductGroup(account_id=account_id, name=name)
        session.add(group)
        await session.flush()
        report.groups_created += 1
    return group.id


async def _price(
    session: AsyncSession, price_group_id: int, product_id: int, net_price: Decimal
) -> None:
    price = (
        await session.execute(
            select(Price).where(
                Price.price_group_id == price_group_id, Price.product_id == product_id
            )
        )
    ).scalar_one_or_none()
    if price is None:
        session.add(
            Price(price_group_id=price_group_id, product_id=product_id, net_price=net_price)
        )
    else:
        price.net_price = net_price
