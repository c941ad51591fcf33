"""Catalog download: the shop's products into the account, resumable page by page.

A first sync pages through /productExtend from page 0 and stores the next page after each
committed page, so a restart continues where it stopped. Later cycles ask only for products
updated since the start of the previous successful cycle (`updatedAfter`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.catalog_sync.product_rows import shop_product, upsert_page
from shopsync.adapters.db.models import CatalogSyncState, ShopConnection
from shopsync.adapters.db.sync_runs import add_run
from shopsync.adapters.shoprenter.client import PAGE_LIMIT, HttpShoprenterClient
from shopsync.adapters.shoprenter.mapping import link_id, product_from_json
from shopsync.domain.catalog_merge import with_sku
from shopsync.domain.sync_runs import CATALOG_DOWNLOAD, FinishedRun, run_until

log = logging.getLogger(__name__)
# Shoprenter compares updatedAfter with its own clock: overlap a little, upserts are idempotent.
CLOCK_SKEW = timedelta(minutes=2)
Page = dict[str, Any]
Query = dict[str, Any]


@dataclass
class DownloadReport:
    pages: int = 0
    products: int = 0
    created: int = 0
    updated: int = 0
    groups_created: int = 0
    finished: bool = False
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class CatalogDownloader:
    """Downloads one connection's shop into the account, committing after every page."""

    sessions: async_sessionmaker[AsyncSession]
    # (connection id, done, total) after every committed page
    progress: Callable[[int, int, int], None] | None = None

    async def run(
        self, connection_id: int, client: HttpShoprenterClient, max_pages: int | None = None
    ) -> DownloadReport:
        """One cycle (or its continuation); max_pages stops early, as a crash would.

        A finished or failed run leaves its row in the sync history; a stopped one does not.
        """
        report = DownloadReport()
        try:
            return await self._run(connection_id, client, max_pages, report)
        except Exception as exc:
            await self._record_error(connection_id, repr(exc), report.started_at)
            raise

    async def _run(
        self,
        connection_id: int,
        client: HttpShoprenterClient,
        max_pages: int | None,
        report: DownloadReport,
    ) -> DownloadReport:
        query = _first_query(await self._state(connection_id))
        categories = await _category_names(client)
        async with aclosing(self._pages(connection_id, client, query, max_pages)) as pages:
            async for page in pages:
                await self._store_page(connection_id, categories, page, report)
                report.pages += 1
                report.finished = not page.get("next")
        return report

    async def _pages(
        self, connection_id: int, client: HttpShoprenterClient, query: Query, max_pages: int | None
    ) -> AsyncGenerator[Page, None]:
        """The cycle's pages, each next one asked for before the current one is stored."""
        fetch = _fetch(client, query)
        for number in itertools.count(1):
            page = await fetch
            more = bool(page.get("next")) and (max_pages is None or number < max_pages)
            if more:
                # The next request waits for its rate slot anyway: store this page meanwhile.
                fetch = _fetch_next(client, query)
            yield page
            if not more:
                return

    async def _state(self, connection_id: int) -> CatalogSyncState:
        """Where the connection's download stands; a cycle starting at page 0 starts now."""
        async with self.sessions() as session:
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

    async def _record_error(self, connection_id: int, error: str, started_at: datetime) -> None:
        """The failure on the connection's state, with its failed run, in one transaction."""
        run = run_until(CATALOG_DOWNLOAD, started_at, datetime.now(UTC), ok=False)
        try:
            async with self.sessions() as session:
                state = await session.get(CatalogSyncState, connection_id)
                if state is not None:
                    state.last_error = error[:1000]
                await add_run(session, connection_id, run)
                await session.commit()
        except Exception as exc:  # the cycle's own error is the one to raise
            log.warning("catalog download failure of %s not recorded: %r", connection_id, exc)

    async def _store_page(
        self, connection_id: int, categories: dict[str, str], page: Page, report: DownloadReport
    ) -> None:
        """The page's products and the resume point after it, in one transaction."""
        items = [i for i in page.get("items") or [] if isinstance(i, dict)]
        async with self.sessions() as session:
            connection = await session.get(ShopConnection, connection_id)
            state = await session.get(CatalogSyncState, connection_id)
            assert connection is not None and state is not None
            remotes = [shop_product(product_from_json(i)) for i in items]
            await upsert_page(session, connection, with_sku(remotes), categories, report)
            _advance(state, len(items), _page_count(page), bool(page.get("next")))
            if not page.get("next"):
                await add_run(session, connection_id, _finished(report))
            await session.commit()
            self._report_progress(state)
        report.products += len(items)

    def _report_progress(self, state: CatalogSyncState) -> None:
        if self.progress is not None:
            self.progress(state.connection_id, state.done, state.total)


def _first_query(state: CatalogSyncState) -> Query:
    """From the resume page; only what changed since the last cycle once a full one is done."""
    query: Query = {"full": 1, "limit": PAGE_LIMIT, "page": state.next_page}
    if state.full_done and state.updated_after:
        query["updatedAfter"] = state.updated_after
    return query


def _fetch(client: HttpShoprenterClient, query: Query) -> asyncio.Task[Page]:
    return asyncio.create_task(client.get("productExtend", dict(query)))


def _fetch_next(client: HttpShoprenterClient, query: Query) -> asyncio.Task[Page]:
    """Ask for the page after the query's; the query moves on to it."""
    query["page"] = int(query["page"]) + 1
    return _fetch(client, query)


def _advance(state: CatalogSyncState, stored: int, page_count: int, has_next: bool) -> None:
    """Progress after a committed page: the next page to ask for, or the end of the cycle."""
    state.done += stored
    state.total = max(state.total, page_count * PAGE_LIMIT, state.done)
    if has_next:
        state.next_page += 1
    else:
        _finish(state)


def _finish(state: CatalogSyncState) -> None:
    """A full cycle done: the next one asks only for products updated since this one began."""
    started = state.cycle_started_at or datetime.now(UTC)
    state.full_done = True
    state.next_page = 0
    state.total = state.done
    state.updated_after = (started - CLOCK_SKEW).strftime("%Y-%m-%dT%H:%M:%S")
    state.last_success_at = datetime.now(UTC)
    state.last_error = None


def _finished(report: DownloadReport) -> FinishedRun:
    return run_until(CATALOG_DOWNLOAD, report.started_at, datetime.now(UTC), ok=True)


def _page_count(page: Page) -> int:
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
