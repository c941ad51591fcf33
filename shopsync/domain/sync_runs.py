"""A history of sync cycles: one finished run of one flow, what is worth keeping, for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

CATALOG_DOWNLOAD = "catalog_download"
CATALOG_UPLOAD = "catalog_upload"
STOCK_DOWNLOAD = "stock_download"
STOCK_RECONCILE = "stock_reconcile"
STOCK_UPLOAD = "stock_upload"
FLOWS = (CATALOG_DOWNLOAD, CATALOG_UPLOAD, STOCK_DOWNLOAD, STOCK_RECONCILE, STOCK_UPLOAD)
# Each runs once per tick interval (an upload also on a local change): pruning on them bounds
# the table without a sweep. Not stock upload, up to once a second; a connection uploading
# stock reconciles on its ticks, which prune its rows of every flow.
PRUNING_FLOWS = frozenset({CATALOG_DOWNLOAD, CATALOG_UPLOAD, STOCK_DOWNLOAD, STOCK_RECONCILE})
KEPT = timedelta(days=8)  # the charts show 7 days; one more keeps a day's edge whole


@dataclass(frozen=True)
class FinishedRun:
    """One cycle of one flow: when it started (aware UTC), how long it took, whether it failed."""

    flow: str
    started_at: datetime
    seconds: float
    ok: bool

    @property
    def result(self) -> str:
        """As stored: "ok" or "failed"."""
        return "ok" if self.ok else "failed"


def run_until(flow: str, started_at: datetime, ended_at: datetime, ok: bool) -> FinishedRun:
    """The run from its wall-clock start to its end (never negative, should the clock step)."""
    return FinishedRun(flow, started_at, max((ended_at - started_at).total_seconds(), 0.0), ok)


def run_ended(flow: str, ended_at: datetime, seconds: float, ok: bool) -> FinishedRun:
    """The run that ended now after `seconds` (timed on a monotonic clock): it started that long
    before its wall-clock end."""
    seconds = max(seconds, 0.0)
    return FinishedRun(flow, ended_at - timedelta(seconds=seconds), seconds, ok)


KEPT_PUSH_EVERY = timedelta(minutes=1)


def push_worth_keeping(
    pushed: int, ok: bool, paused: bool, last_kept: FinishedRun | None, now: datetime
) -> bool:
    """Whether a stock push goes into the history.

    Pushes run every second while stock is owed: a busy shop would write 86,400 rows a day.
    So: a push that failed outright (`paused`: its SKUs owed again, the shop left alone 5 s,
    doubling to a minute — few) always; one that sent nothing and failed nothing (its SKUs
    unlinked, the connection switched off) never; otherwise — sent, or some SKUs refused by the
    shop (not ok, yet no pause: that can recur every second) — when its outcome differs from
    the connection's last push kept (the first refusal, the recovery show) or that one ended a
    minute ago or more.
    """
    if paused:
        return True
    if ok and pushed == 0:
        return False
    if last_kept is None or last_kept.ok != ok:
        return True
    return now - (last_kept.started_at + timedelta(seconds=last_kept.seconds)) >= KEPT_PUSH_EVERY


def prune_before(run: FinishedRun) -> datetime | None:
    """Where a run's connection's history is cut (rows of every flow), or None: not by this run."""
    return run.started_at - KEPT if run.flow in PRUNING_FLOWS else None
