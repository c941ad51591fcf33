"""The shops at a glance: one row per connection with what it does and what went wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from shopsync.adapters.db.models import (
    Account,
    CatalogSyncState,
    DeadLetterRow,
    Document,
    HeldOrder,
    NavReport,
    OrderReconcileMark,
    OrderStateRow,
    ShopConnection,
    StockSyncState,
)
from shopsync.domain.nav_report_rules import ReportState

#: What a row shows of a connection (its secrets and other settings are not even loaded).
SHOWN = (
    ShopConnection.id,
    ShopConnection.name,
    ShopConnection.shoprenter_path,
    ShopConnection.enabled,
    ShopConnection.orders_enabled,
    ShopConnection.products_download_enabled,
    ShopConnection.products_upload_enabled,
    ShopConnection.stock_enabled,
    ShopConnection.stock_mode,
)
SORTS = ("problems", "name", "last_event", "held", "dead_letters", "nav_failures", "owed")


@dataclass(frozen=True)
class StockCycle:
    """Stock sync's last tick of a connection: download or reconcile, when, how long, why not."""

    kind: str
    at: datetime | None
    seconds: float | None
    error: str | None


@dataclass(frozen=True)
class ShopRow:
    """A connection as the shops page shows it."""

    id: int
    name: str
    account: str
    path: str
    features: tuple[str, ...]
    last_event_at: datetime | None
    reconciled_until: datetime | None
    catalog_done_at: datetime | None
    catalog_error: str | None
    held: int
    dead_letters: int
    owed_skus: int = 0
    stock_cycle: StockCycle | None = None
    nav_failures: int = 0

    @property
    def problems(self) -> tuple[str, ...]:
        """What needs a look, worst first."""
        found = [
            ("dead letters", self.dead_letters > 0),
            ("NAV aborted", self.nav_failures > 0),
            ("held orders", self.held > 0),
            ("catalog failing", bool(self.catalog_error)),
            ("stock failing", bool(self.stock_cycle and self.stock_cycle.error)),
            ("stock owed", self.owed_skus > 0),
            ("switched off", not self.features),
        ]
        return tuple(name for name, present in found if present)


def features_of(connection: ShopConnection) -> tuple[str, ...]:
    """The flows switched on (none while the connection as a whole is off)."""
    if connection.enabled is False:
        return ()
    flows = {
        "orders": connection.orders_enabled,
        "products-download": connection.products_download_enabled,
        "products-upload": connection.products_upload_enabled,
        "stock": connection.stock_enabled and connection.stock_mode != "off",
    }
    return tuple(name for name, on in flows.items() if on)


async def shop_rows(session: AsyncSession) -> list[ShopRow]:
    """Every connection with its latest activity and its problems (a few grouped queries)."""
    query = select(ShopConnection, Account.name).join(Account).options(load_only(*SHOWN))
    connections = (await session.execute(query)).all()
    facts = await _facts(session)
    return [_row(c, account, facts) for c, account in connections]


async def _facts(session: AsyncSession) -> dict[str, dict[int, Any]]:
    last_event = select(OrderStateRow.connection_id, func.max(OrderStateRow.updated_at)).group_by(
        OrderStateRow.connection_id
    )
    held = select(HeldOrder.connection_id, func.count()).where(HeldOrder.released_at.is_(None))
    marks = select(OrderReconcileMark.connection_id, OrderReconcileMark.reconciled_until)
    catalog = select(
        CatalogSyncState.connection_id,
        CatalogSyncState.last_success_at,
        CatalogSyncState.last_error,
    )
    stock = select(StockSyncState)
    nav_aborted = (
        select(Document.connection_id, func.count())
        .join(NavReport, NavReport.document_id == Document.id)
        .where(NavReport.state == ReportState.ABORTED.value)
        .group_by(Document.connection_id)
    )
    return {
        "last_event": dict(
            (await session.execute(last_event.group_by(OrderStateRow.connection_id))).all()
        ),
        "held": dict((await session.execute(held.group_by(HeldOrder.connection_id))).all()),
        "marks": dict((await session.execute(marks)).all()),
        "catalog": {row[0]: row[1:] for row in (await session.execute(catalog)).all()},
        "dead_letters": await _dead_letters_by_connection(session),
        "stock": {row.connection_id: row for row in (await session.execute(stock)).scalars()},
        "nav": dict((await session.execute(nav_aborted)).all()),
    }


async def _dead_letters_by_connection(session: AsyncSession) -> dict[int, int]:
    """Unreplayed dead letters by the connection their key names ("connection:order")."""
    query = select(DeadLetterRow.key).where(DeadLetterRow.replayed_at.is_(None))
    prefixes = ((key or "").partition(":")[0] for key in (await session.execute(query)).scalars())
    return dict(Counter(int(p) for p in prefixes if p.isdigit()))


def _row(connection: ShopConnection, account: str, facts: dict[str, dict[int, Any]]) -> ShopRow:
    done_at, error = facts["catalog"].get(connection.id, (None, None))
    stock: StockSyncState | None = facts["stock"].get(connection.id)
    return ShopRow(
        id=connection.id,
        name=connection.name,
        account=account,
        path=connection.shoprenter_path,
        features=features_of(connection),
        last_event_at=facts["last_event"].get(connection.id),
        reconciled_until=facts["marks"].get(connection.id),
        catalog_done_at=done_at,
        catalog_error=error,
        held=facts["held"].get(connection.id, 0),
        dead_letters=facts["dead_letters"].get(connection.id, 0),
        owed_skus=stock.owed_skus if stock else 0,
        stock_cycle=_stock_cycle(stock),
        nav_failures=facts["nav"].get(connection.id, 0),
    )


def _stock_cycle(state: StockSyncState | None) -> StockCycle | None:
    if state is None or state.cycle_kind is None:
        return None
    return StockCycle(state.cycle_kind, state.cycle_at, state.cycle_seconds, state.cycle_error)


def listed(rows: list[ShopRow], text: str = "", sort: str = "problems") -> list[ShopRow]:
    """The rows whose name, path or account holds `text`, in the chosen order (problems first
    unless another is chosen; the newest activity first when sorting by it)."""
    needle = text.strip().lower()
    kept = [r for r in rows if needle in f"{r.name} {r.path} {r.account}".lower()]
    orders: dict[str, Any] = {
        "name": lambda r: r.name,
        "last_event": lambda r: -(r.last_event_at.timestamp() if r.last_event_at else 0),
        "held": lambda r: (-r.held, r.name),
        "dead_letters": lambda r: (-r.dead_letters, r.name),
        "nav_failures": lambda r: (-r.nav_failures, r.name),
        "owed": lambda r: (-r.owed_skus, r.name),
    }
    default = lambda r: (  # noqa: E731
        -len(r.problems),
        -r.dead_letters,
        -r.nav_failures,
        -r.held,
        -r.owed_skus,
        r.name,
    )
    return sorted(kept, key=orders.get(sort, default))
