"""The shops page over HTTP: owed stock SKUs, the last stock cycle and NAV failures per
connection, as stock sync and the NAV reporter record them."""

from __future__ import annotations

import re

import pytest

from shopsync.adapters.db.stock_sync_marks import SqlAlchemyStockSyncMarks
from tests.console.conftest import Console
from tests.console.facts import invoice, nav_aborted, stock_failing

pytestmark = pytest.mark.integration


def _row(page: str, text: str) -> str:
    rows = re.findall(r"<tr.*?</tr>", page, re.S)
    return next(r for r in rows if text in r)


async def test_a_shop_with_owed_stock_a_failing_stock_cycle_and_a_nav_abort_says_so(
    console: Console,
) -> None:
    issued = await invoice(console.sessions)
    await nav_aborted(console.sessions, issued)
    await stock_failing(console.sessions, issued.connection_id, owed=4)
    admin = await console.logged_in(console.admin)
    _, page, _ = await admin.get(f"/shops?q={issued.account}")
    row = _row(page, issued.account)
    assert 'class="bad"' in row
    assert "NAV aborted" in row and "stock failing" in row and "stock owed" in row
    assert "shop answered 503" in row and "reconcile" in row
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    owed, held, dead, nav = cells
    assert (owed, held, dead) == ("4", "0", "0") and ">1</a>" in nav


async def test_a_healthy_shop_shows_its_last_stock_cycle_and_nothing_owed(
    console: Console,
) -> None:
    issued = await invoice(console.sessions)
    marks = SqlAlchemyStockSyncMarks(console.sessions)
    await marks.pushed(issued.connection_id, 0, None)
    await marks.cycled(issued.connection_id, "download", 0.5, None)
    admin = await console.logged_in(console.admin)
    _, page, _ = await admin.get(f"/shops?q={issued.account}")
    row = _row(page, issued.account)
    assert "download · 0.5 s" in row
    assert "stock owed" not in row and "stock failing" not in row and 'class="bad"' not in row
