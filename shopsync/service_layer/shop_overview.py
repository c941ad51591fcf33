"""The shops at a glance: one row per connection with what it does and what went wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import (
    Account,
    CatalogSyncState,
    DeadLetterRow,
    HeldOrder,
    OrderReconcileMark,
    OrderStateRow,
    ShopConnection,
)

SORTS = ("problems", "name", "last_event", "held", "dead_letters")


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

    @property
    def problems(self) -> tuple[str, ...]:
        """What needs a look, worst first."""
        found = [
            ("dead letters", self.dead_letters > 0),
            ("held orders", self.held > 0),
            ("catalog failing", bool(self.catalog_error)),
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
    query = select(ShopConnection, Account.name).join(Account)
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
    return {
        "last_event": dict(
            (await session.execute(last_event.group_by(OrderStateRow.connection_id))).all()
        ),
        "held": dict((await session.execute(held.group_by(HeldOrder.connection_id))).all()),
        "marks": dict((await session.execute(marks)).all()),
        "catalog": {row[0]: row[1:] for row in (await session.execute(catalog)).all()},
        "dead_letters": await _dead_letters_by_connection(session),
    }


async def _dead_letters_by_connection(session: AsyncSession) -> dict[int, int]:
    """Unreplayed dead letters by the connection their key names ("connection:order")."""
    query = select(DeadLetterRow.key).where(DeadLetterRow.replayed_at.is_(None))
    prefixes = ((key or "").partition(":")[0] for key in (await session.execute(query)).scalars())
    return dict(Counter(int(p) for p in prefixes if p.isdigit()))


def _row(connection: ShopConnection, account: str, facts: dict[str, dict[int, Any]]) -> ShopRow:
    done_at, error = facts["catalog"].get(connection.id, (None, None))
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
    )


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
    }
    default = lambda r: (-len(r.problems), -r.dead_letters, -r.held, r.name)  # noqa: E731
    return sorted(kept, key=orders.get(sort, default))
