"""The history of sync cycles in `sync_runs`: written beside a flow's state, read for charts.

`add_run` writes in the caller's transaction (a flow with a state row records its run with
the state update); `SqlAlchemySyncRuns`, behind the `SyncRunLog` port, serves flows without
one, each write a transaction of its own, whose failure is logged, never raised: history must
not stop a sync.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import SyncRun
from shopsync.domain.sync_runs import FinishedRun, prune_before

log = logging.getLogger(__name__)


async def add_run(session: AsyncSession, connection_id: int, run: FinishedRun) -> None:
    """The run in the session's transaction; a tick's run also drops the connection's old rows."""
    session.add(
        SyncRun(
            connection_id=connection_id,
            flow=run.flow,
            started_at=run.started_at,
            seconds=round(run.seconds, 3),
            result=run.result,
        )
    )
    cut = prune_before(run)
    if cut is not None:  # an index range scan on (connection_id, started_at): cheap when empty
        await session.execute(
            delete(SyncRun).where(SyncRun.connection_id == connection_id, SyncRun.started_at < cut)
        )


async def runs_since(
    session: AsyncSession, connection_id: int, since: datetime
) -> list[FinishedRun]:
    """The connection's runs that started at or after `since`, oldest first."""
    query = (
        select(SyncRun.flow, SyncRun.started_at, SyncRun.seconds, SyncRun.result)
        .where(SyncRun.connection_id == connection_id, SyncRun.started_at >= since)
        .order_by(SyncRun.started_at)
    )
    rows = (await session.execute(query)).all()
    return [FinishedRun(flow, at, seconds, result == "ok") for flow, at, seconds, result in rows]


@dataclass
class SqlAlchemySyncRuns:
    """Runs of flows that keep no state row, each recorded in a transaction of its own."""

    sessions: async_sessionmaker[AsyncSession]

    async def record(self, connection_id: int, run: FinishedRun) -> None:
        try:
            async with self.sessions() as session:
                await add_run(session, connection_id, run)
                await session.commit()
        except SQLAlchemyError as exc:
            log.warning("sync run of connection %s not recorded: %r", connection_id, exc)
