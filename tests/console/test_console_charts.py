"""The charts tab draws a shop's week: orders and documents per hour as SVG bars, how long its
latest catalog and stock cycles took, and each flow's runs over the week (failed ones apart);
no script on the page, none allowed by its CSP."""

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
from shopsync.adapters.db.sync_runs import add_run
from shopsync.domain.budapest import BUDAPEST
from shopsync.domain.sync_runs import FinishedRun
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
        self.runs: dict[str, list[tuple[str, str]]] = {}  # figure → (class, data-seconds)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure":
            self.figure = found.get("id") or ""
            self.bars[self.figure] = []
            self.runs[self.figure] = []
        elif tag == "rect" and found.get("class") == "bar":
            self.bars[self.figure].append(found.get("data-value") or "")
        elif tag == "rect" and (found.get("class") or "").startswith("run "):
            self.runs[self.figure].append((found["class"] or "", found.get("data-seconds") or ""))
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


async def _history(console: Console, now: datetime) -> None:
    """Catalog downloads this week (one failed), a stock push, and a download 9 days ago."""
    runs = [
        ("catalog_download", timedelta(days=9), 99.0, True),
        ("catalog_download", timedelta(days=3), 20.0, True),
        ("catalog_download", timedelta(days=2), 40.0, False),
        ("catalog_download", timedelta(hours=1), 10.0, True),
        ("stock_upload", timedelta(minutes=5), 0.5, True),
    ]
    async with console.sessions() as db:
        for flow, ago, seconds, ok in runs:
            await add_run(db, console.shop_id, FinishedRun(flow, now - ago, seconds, ok))
        await db.commit()


async def test_the_charts_tab_draws_each_flows_runs_of_the_week_with_failed_ones_apart(
    console: Console,
) -> None:
    await _history(console, datetime.now(UTC))
    viewer = await console.logged_in(console.viewer)
    _, page, _ = await viewer.get(f"/shops/{console.shop_id}?tab=charts")
    figures = Figures()
    figures.feed(page)
    assert figures.runs["history-catalog_download"] == [
        ("run ok", "20.0"),
        ("run failed", "40.0"),
        ("run ok", "10.0"),
    ], "one mark per run of the week, in time order; not the one 9 days ago"
    assert figures.runs["history-stock_upload"] == [("run ok", "0.5")]
    assert "history-catalog_upload" not in figures.runs, "a flow that never ran is not drawn"
    assert "3 runs · 1 failed · longest 40.0 s" in page
    assert not figures.inline_script


async def test_the_history_names_its_days_in_the_chosen_language(console: Console) -> None:
    now = datetime.now(UTC)
    await _history(console, now)
    viewer = await console.logged_in(console.viewer)
    _, page, _ = await viewer.get(f"/shops/{console.shop_id}?tab=charts")
    # Only the history's section: the hourly charts above label their days (03-01) too.
    english = page[page.index('id="sync-history"') :]
    yesterday = (now - timedelta(days=1)).astimezone(BUDAPEST)
    assert f">{yesterday:%m-%d}</text>" in english and "<figcaption>Catalog download" in english
    await viewer.post(
        "/language", {"to": "hu", "back": "/shops", "csrf": await viewer.token("/shops")}
    )
    _, page, _ = await viewer.get(f"/shops/{console.shop_id}?tab=charts")
    hungarian = page[page.index('id="sync-history"') :]
    assert f">{yesterday:%m. %d.}</text>" in hungarian
    assert "<figcaption>Termékletöltés" in hungarian
    assert "3 futás · 1 sikertelen · leghosszabb 40,0 s" in hungarian


async def test_a_shop_that_never_synced_says_so_instead_of_a_history(console: Console) -> None:
    viewer = await console.logged_in(console.viewer)
    _, page, _ = await viewer.get(f"/shops/{console.shop_id}?tab=charts")
    assert "No sync cycle in these 7 days." in page
