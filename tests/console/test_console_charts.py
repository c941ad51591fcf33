"""The charts tab draws a shop's week: orders and documents per hour as SVG bars, and how long
its latest catalog and stock cycles took; no script on the page, none allowed by its CSP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from shopsync.adapters.db.models import (
    CatalogSyncState,
    Document,
    OrderStateRow,
    ShopConnection,
)
from shopsync.adapters.db.stock_sync_marks import SqlAlchemyStockSyncMarks
from tests.console.conftest import Console
from tests.support import unique

pytestmark = pytest.mark.integration


class Figures(HTMLParser):
    """The bars (their data-value) of each chart figure, and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: dict[str, list[str]] = {}
        self.figure = ""
        self.inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure":
            self.figure = found.get("id") or ""
            self.bars[self.figure] = []
        elif tag == "rect" and found.get("class") == "bar":
            self.bars[self.figure].append(found.get("data-value") or "")
        elif tag == "script" and not found.get("src"):
            self.inline_script = True
        self.inline_script |= any(name.startswith("on") for name, _ in attrs)


async def _week(console: Console, now: datetime) -> None:
    """Documents in three hours of the week (3, 1, 2), two orders in one, one 9 days ago."""
    async with console.sessions() as db:
        shop = await db.get(ShopConnection, console.shop_id)
        assert shop is not None
        hours = [2, 2, 2, 30, 100, 100, 24 * 9]
        for n, ago in enumerate(hours):
            db.add(_document(shop, unique(f"o-{n}-"), now - timedelta(hours=ago)))
        for ref in ("A", "B"):
            db.add(_order(shop.id, ref, now - timedelta(hours=5)))
        db.add(
            CatalogSyncState(
                connection_id=shop.id,
                cycle_started_at=now - timedelta(minutes=3),
                last_success_at=now - timedelta(minutes=3) + timedelta(seconds=42),
            )
        )
        await db.commit()
    await SqlAlchemyStockSyncMarks(console.sessions).cycled(console.shop_id, "reconcile", 7.0, None)


def _document(shop: ShopConnection, ref: str, at: datetime) -> Document:
    zero = Decimal("0")
    return Document(
        account_id=shop.account_id, connection_id=shop.id, order_ref=ref, kind="invoice",
        series="T", currency="HUF", total_net=zero, total_vat=zero, total_gross=zero,
        created_at=at,
    )  # fmt: skip


def _order(connection_id: int, ref: str, at: datetime) -> OrderStateRow:
    history = [["2", at.isoformat(), "issued", ""]]
    return OrderStateRow(
        connection_id=connection_id, order_ref=ref, state={"history": history}, updated_at=at
    )


async def test_the_charts_tab_draws_a_bar_per_busy_hour_of_the_week_with_its_count(
    console: Console,
) -> None:
    await _week(console, datetime.now(UTC))
    viewer = await console.logged_in(console.viewer)
    status, page, response = await viewer.get(f"/shops/{console.shop_id}?tab=charts")
    assert status == 200
    figures = Figures()
    figures.feed(page)
    assert sorted(figures.bars["documents-chart"]) == ["1", "2", "3"]
    assert figures.bars["orders-chart"] == ["2"]
    assert figures.bars["durations-chart"] == ["42.0", "7.0"]
    assert "42.0 s" in page and "7.0 s" in page and 'viewBox="0 0 720' in page
    assert re.search(r"total\s+6\b", page), "the week's 6 documents, not the one 9 days ago"
    assert not figures.inline_script
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


async def test_a_shop_with_nothing_this_week_says_so_under_empty_charts(console: Console) -> None:
    admin = await console.logged_in(console.admin)
    _, page, _ = await admin.get(f"/shops/{console.shop_id}?tab=charts")
    figures = Figures()
    figures.feed(page)
    assert figures.bars["orders-chart"] == [] and figures.bars["documents-chart"] == []
    assert page.count("Nothing in these 7 days.") == 2
