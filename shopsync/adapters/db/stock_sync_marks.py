"""What stock sync last did per connection (`stock_sync_state`), written for the console, with
the run it ends in the sync history (`sync_runs`), in the same transaction.

A failure to write it is logged, never raised: it must not stop a push or a tick."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import StockSyncState
from shopsync.adapters.db.sync_runs import add_run
from shopsync.domain.sync_runs import STOCK_UPLOAD, FinishedRun, push_worth_keeping, run_ended

log = logging.getLogger(__name__)
ERROR_CHARS = 300


@dataclass
class SqlAlchemyStockSyncMarks:
    """One row per connection; each write a transaction of its own."""

    sessions: async_sessionmaker[AsyncSession]
    # connection → its last push that went into the history (pushes are sampled: a minute)
    _push_kept: dict[int, FinishedRun] = field(default_factory=dict, init=False)

    async def pushed(
        self,
        connection_id: int,
        owed: int,
        error: str | None,
        seconds: float | None = None,
        sent: int = 0,
    ) -> None:
        """A push ended: `owed` SKUs are still owed to the shop (0 after a success).

        Timed (`seconds`), it may be a stock-upload run of the history: pushes are sampled
        (shopsync.domain.sync_runs.push_worth_keeping). A push that failed with SKUs still owed
        failed outright; one with an error and none owed had some SKUs refused by the shop."""
        now = datetime.now(UTC)
        run = None
        last_kept, ok, paused = self._push_kept.get(connection_id), error is None, owed > 0
        if seconds is not None and push_worth_keeping(sent, ok, paused, last_kept, now):
            run = self._push_kept[connection_id] = run_ended(STOCK_UPLOAD, now, seconds, ok)
        await self._write(connection_id, run, owed_skus=owed, push_at=now, push_error=_short(error))

    async def cycled(
        self, connection_id: int, kind: str, seconds: float, error: str | None
    ) -> None:
        """A tick (download or reconcile) ended, in `seconds`, failed with `error` or not."""
        now = datetime.now(UTC)
        await self._write(
            connection_id,
            run_ended(f"stock_{kind}", now, seconds, error is None),
            cycle_kind=kind,
            cycle_at=now,
            cycle_seconds=round(seconds, 3),
            cycle_error=_short(error),
        )

    async def _write(self, connection_id: int, run: FinishedRun | None, **values: Any) -> None:
        for _ in range(2):  # a second writer may insert the row first: then it is updated
            try:
                return await self._upsert(connection_id, run, values)
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                log.warning("stock sync state of connection %s not written: %r", connection_id, exc)
                return

    async def _upsert(
        self, connection_id: int, run: FinishedRun | None, values: dict[str, Any]
    ) -> None:
        async with self.sessions() as session:
            row = await session.get(StockSyncState, connection_id)
            if row is None:
                row = StockSyncState(connection_id=connection_id, owed_skus=0)
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            if run is not None:
                await add_run(session, connection_id, run)
            await session.commit()


def _short(error: str | None) -> str | None:
    return None if error is None else error[:ERROR_CHARS]
