"""Catalog download: the shop's products into the account, resumable page by page.

A first sync pages through /productExtend from page 0 and stores the next page after each
committed page, so a restart continues where it stopped. Later cycles ask only for products
updated since the start of the previous successful cycle (`updatedAfter`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import (
    CatalogSyncState,
    Price,
    Product,
    ProductGroup,
    ProductLink,
    ShopConnection,
)
from shopsync.adapters.shoprenter.client import PAGE_LIMIT, HttpShoprenterClient
from shopsync.adapters.shoprenter.mapping import RemoteProduct, link_id, product_from_json
from shopsync.domain.catalog import ExchangedContent

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


class CatalogDownloader:
    """Downloads one connection's shop into the account, committing after every page."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        progress: Callable[[int, int, int], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._progress = progress  # (connection id, done, total) after every committed page

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
        fetch = asyncio.create_task(client.get("productExtend", dict(query)))
        while True:
            try:
                page = await fetch
            except Exception as exc:
                await self._record_error(connection_id, repr(exc))
                raise
            items = [i for i in page.get("items") or [] if isinstance(i, dict)]
            has_next = bool(page.get("next"))
            last = max_pages is not None and report.pages + 1 >= max_pages
            if has_next and not last:
                # The next request waits for its rate slot anyway: store this page meanwhile.
                query["page"] = int(query["page"]) + 1
                fetch = asyncio.create_task(client.get("productExtend", dict(query)))
            await self._store_page(connection_id, items, categories, page, has_next, report)
            report.pages += 1
            if not has_next:
                report.finished = True
                return report
            if last:
                return report

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
            await _upsert_page(
                session, connection, [product_from_json(i) for i in items], categories, report
            )
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
            if self._progress is not None:
                self._progress(connection_id, state.done, state.total)
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


async def _upsert_page(
    session: AsyncSession,
    connection: ShopConnection,
    remotes: list[RemoteProduct],
    categories: dict[str, str],
    report: DownloadReport,
) -> None:
    """Upsert a page of products by SKU with a handful of queries, not a few per product."""
    remotes = [r for r in remotes if r.sku]
    if not remotes:
        return
    account_id = connection.account_id
    existing = {
        p.sku: p
        for p in (
            await session.execute(
                select(Product).where(
                    Product.account_id == account_id, Product.sku.in_([r.sku for r in remotes])
                )
            )
        ).scalars()
    }
    for remote in remotes:
        group_name = next((categories[c] for c in remote.category_ids if c in categories), "")
        group_id = await _group(session, account_id, group_name, report)
        product = existing.get(remote.sku)
        if product is None:
            product = existing[remote.sku] = Product(
                account_id=account_id, sku=remote.sku, name=remote.name or remote.sku
            )
            session.add(product)
            report.created += 1
        else:
            report.updated += 1
        product.name = remote.name or product.name
        product.net_price = remote.net_price
        product.group_id = group_id or product.group_id
    await session.flush()
    ids = [existing[r.sku].id for r in remotes]
    links = {
        link.product_id: link
        for link in (
            await session.execute(
                select(ProductLink).where(
                    ProductLink.connection_id == connection.id, ProductLink.product_id.in_(ids)
                )
            )
        ).scalars()
    }
    price_group = connection.products_download_price_group_id
    with_sale = connection.products_sale_price_group_id is not None
    prices = (
        {}
        if not price_group
        else {
            price.product_id: price
            for price in (
                await session.execute(
                    select(Price).where(
                        Price.price_group_id == price_group, Price.product_id.in_(ids)
                    )
                )
            ).scalars()
        }
    )
    for remote in remotes:
        product = existing[remote.sku]
        if price_group:
            price = prices.get(product.id)
            if price is None:
                session.add(
                    Price(
                        price_group_id=price_group,
                        product_id=product.id,
                        net_price=remote.net_price,
                    )
                )
            else:
                price.net_price = remote.net_price
        digest = ExchangedContent(
            remote.sku, remote.name, remote.net_price, remote.sale_price, with_sale
        ).digest()
        link = links.get(product.id)
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
    cache: dict[tuple[int, str], int] = session.info.setdefault("groups", {})
    if (account_id, name) in cache:
        return cache[(account_id, name)]
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
    cache[(account_id, name)] = group.id
    return group.id
