"""The shops page's order: problems first, the worst kinds before the mild ones."""

from __future__ import annotations

from typing import Any

from shopsync.service_layer.shop_overview import ShopRow, StockCycle, listed


def _row(name: str, **facts: Any) -> ShopRow:
    shown: dict[str, Any] = {
        "id": 1,
        "name": name,
        "account": "a",
        "path": name,
        "features": ("orders",),
        "last_event_at": None,
        "reconciled_until": None,
        "catalog_done_at": None,
        "catalog_error": None,
        "held": 0,
        "dead_letters": 0,
    }
    return ShopRow(**{**shown, **facts})


def test_shops_with_problems_come_first_and_nav_aborts_before_owed_stock() -> None:
    rows = [
        _row("a-fine"),
        _row("b-owed", owed_skus=3),
        _row("c-nav", nav_failures=2),
        _row("d-stock", stock_cycle=StockCycle("reconcile", None, 1.0, "503"), owed_skus=1),
    ]
    assert [r.name for r in listed(rows)] == ["d-stock", "c-nav", "b-owed", "a-fine"]
    assert listed(rows)[0].problems == ("stock failing", "stock owed")
    assert [r.name for r in listed(rows, sort="owed")][:2] == ["b-owed", "d-stock"]


def test_a_stock_cycle_that_succeeded_is_no_problem() -> None:
    fine = _row("a", stock_cycle=StockCycle("download", None, 0.4, None))
    assert fine.problems == ()
