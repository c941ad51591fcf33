"""What a shop's charts show: documents and orders per hour over the last week, how long its
latest catalog and stock cycles took, and each flow's runs over the week (`sync_runs`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import CatalogSyncState, Document, OrderStateRow, StockSyncState
from shopsync.adapters.db.order_state_json import state_from_json
from shopsync.adapters.db.sync_runs import runs_since
from shopsync.domain.duration_chart import DurationChart, duration_chart
from shopsync.domain.duration_history_chart import WINDOW, FlowHistory, flow_history
from shopsync.domain.hourly_chart import WEEK_HOURS, HourlyChart, hourly_chart, per_hour
from shopsync.domain.sync_runs import FLOWS


@dataclass(frozen=True)
class ShopCharts:
    """A connection's charts, drawn up to `now`."""

    documents: HourlyChart
    orders: HourlyChart
    durations: DurationChart
    histories: tuple[FlowHistory, ...]  # the flows that ran this week, in FLOWS order


async def shop_charts(session: AsyncSession, connection_id: int, now: datetime) -> ShopCharts:
    """The charts of one connection, read within the week before `now`."""
    since = now - timedelta(hours=WEEK_HOURS)
    documents = await _document_times(session, connection_id, since)
    orders = await _order_arrivals(session, connection_id, since)
    return ShopCharts(
        hourly_chart(per_hour(documents), now),
        hourly_chart(per_hour(orders), now),
        duration_chart(await _durations(session, connection_id)),
        await _histories(session, connection_id, now),
    )


async def _histories(
    session: AsyncSession, connection_id: int, now: datetime
) -> tuple[FlowHistory, ...]:
    runs = await runs_since(session, connection_id, now - WINDOW)
    ran = {run.flow for run in runs}
    return tuple(flow_history(flow, runs, now) for flow in FLOWS if flow in ran)


async def _document_times(
    session: AsyncSession, connection_id: int, since: datetime
) -> list[datetime]:
    query = select(Document.created_at).where(
        Document.connection_id == connection_id, Document.created_at >= since
    )
    return list((await session.execute(query)).scalars())


async def _order_arrivals(
    session: AsyncSession, connection_id: int, since: datetime
) -> list[datetime]:
    """When each order seen this week arrived: its first status's time, else when it was saved.

    An order's row is touched by every later event, so one that arrived this week was saved
    this week too: the window bounds what is read.
    """
    query = select(OrderStateRow.state, OrderStateRow.updated_at).where(
        OrderStateRow.connection_id == connection_id, OrderStateRow.updated_at >= since
    )
    arrivals = (_arrival(state, saved) for state, saved in (await session.execute(query)).all())
    return [at for at in arrivals if at >= since]


def _arrival(state: dict[str, Any], saved: datetime) -> datetime:
    history = state_from_json(state).history
    first = history[0].status_at if history else None
    return min(first, saved) if first is not None else saved


async def _durations(session: AsyncSession, connection_id: int) -> dict[str, float | None]:
    catalog = await session.get(CatalogSyncState, connection_id)
    stock = await session.get(StockSyncState, connection_id)
    return {"catalog": _catalog_seconds(catalog), "stock": stock.cycle_seconds if stock else None}


def _catalog_seconds(state: CatalogSyncState | None) -> float | None:
    """The last full download's length; unknown while a newer one runs or none finished."""
    if state is None or state.cycle_started_at is None or state.last_success_at is None:
        return None
    seconds = (state.last_success_at - state.cycle_started_at).total_seconds()
    return seconds if seconds >= 0 else None
