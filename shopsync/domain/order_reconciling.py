"""Reconciling missed webhooks by polling: the window a pass reads and how its mark moves.

Shoprenter sends a webhook once and never again. A pass reads the orders changed since the
connection's mark (less an overlap: the shop's clock is not ours, and its "after" may be
exclusive) and publishes each one's current status as the webhook would have. Pages are
read in the shop's order; a page is remembered once published, so a restart goes on from
the next one, and the mark moves to the pass's start only when its last page is published.
An order changed while a pass pages may move past it: its change is after the pass's start,
so the next pass (from that start, less the overlap) reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from shopsync.domain.budapest import BUDAPEST

#: How far before the mark a pass reads again.
OVERLAP = timedelta(minutes=5)
#: How often a connection with order intake on is reconciled, unless it says otherwise.
DEFAULT_INTERVAL_S = 300


@dataclass(frozen=True)
class ReconcileMark:
    """How far a connection's orders are reconciled, and the pass under way, if any.

    Every change before `reconciled_until` has been published. A pass under way started at
    `pass_started_at` and has published its pages before `next_page`.
    """

    reconciled_until: datetime
    pass_started_at: datetime | None = None
    next_page: int = 0


def start_pass(mark: ReconcileMark, now: datetime, since: datetime | None = None) -> ReconcileMark:
    """The pass to run: the one under way (a restart resumes it), else a new one from now.

    `since` is where the connection's reconciliation starts (order intake last switched on,
    or a backfill): changes before it are never read, even by a pass that was under way.
    """
    if since is not None and since > mark.reconciled_until:
        mark = ReconcileMark(since)
    if mark.pass_started_at is not None:
        return mark
    return replace(mark, pass_started_at=now, next_page=0)


def window_start(mark: ReconcileMark, overlap: timedelta = OVERLAP) -> datetime:
    """The earliest change a pass from this mark reads."""
    return mark.reconciled_until - overlap


def page_published(mark: ReconcileMark) -> ReconcileMark:
    """One more page of the pass is published: a restart starts after it."""
    return replace(mark, next_page=mark.next_page + 1)


def pass_finished(mark: ReconcileMark) -> ReconcileMark:
    """Every page is published: the mark moves to the pass's start, and no pass is under way."""
    return ReconcileMark(mark.pass_started_at or mark.reconciled_until)


def lag_seconds(mark: ReconcileMark, now: datetime) -> float:
    """How old the newest change known to be published may be: now less the mark."""
    return max((now - mark.reconciled_until).total_seconds(), 0.0)


def shop_time(moment: datetime) -> str:
    """A moment as Shoprenter's date filters take it: the shop's local time, no zone [I]."""
    return moment.astimezone(BUDAPEST).strftime("%Y-%m-%dT%H:%M:%S")


def from_day(day: str) -> datetime:
    """A backfill's start, "2026-03-01" or "2026-03-01T08:00", as the shop's local time."""
    moment = datetime.fromisoformat(day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BUDAPEST)
    return moment.astimezone(UTC)
