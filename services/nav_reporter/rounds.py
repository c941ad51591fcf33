"""The reporter's rounds: each account with a technical user moved on by a task of its own.

A round starts the work of every account that is not busy already (so an account waiting
out NAV's five minutes after a lost answer never holds the others up), sweeps for documents
whose event never arrived, and a second timer keeps the gauges read from the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.nav_reporter.metrics import NavMetrics, code_label
from services.nav_reporter.sources import NavClients
from shopsync.adapters.db.models import NavCredentials
from shopsync.adapters.db.nav_leases import SqlAlchemyNavLeases
from shopsync.adapters.db.nav_report_reads import aborted_codes, oldest_unreported, reports_by_state
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.domain.nav_report_rules import unreported_age_s
from shopsync.service_layer.nav_credentials import reporting_accounts
from shopsync.service_layer.nav_reporter import NavReporter, Step

log = logging.getLogger(__name__)
#: A document younger than this is left to its event: the sweep is for events a broker lost,
#: not for those still being relayed (it would race them, harmlessly but needlessly).
SWEEP_GRACE_S = 120.0


@dataclass
class ReportingRounds:
    """Starts each reporting account's work, sweeps, and counts."""

    sessions: async_sessionmaker[AsyncSession]
    reporter: NavReporter
    store: SqlAlchemyNavReportStore
    clients: NavClients
    metrics: NavMetrics
    sweep_s: float
    leases: SqlAlchemyNavLeases
    _running: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    _swept_at: dict[int, float] = field(default_factory=dict)
    _codes: set[str] = field(default_factory=set)

    async def round(self) -> None:
        """Every account with a technical user: swept when due, its work started if idle."""
        async with self.sessions() as session:
            accounts = await reporting_accounts(session)
        for credentials in accounts:
            task = self._running.get(credentials.account_id)
            if task is not None and not task.done():
                continue
            if not await self.leases.take(credentials.account_id):
                continue  # another reporter works on it
            await self._sweep_if_due(credentials)
            work = self._work(credentials)
            self._running[credentials.account_id] = asyncio.create_task(work)

    async def _work(self, credentials: NavCredentials) -> None:
        """Steps of one account until it has nothing to do now (idle, or NAV to wait for)."""
        nav = self.clients.client(credentials)
        try:
            while await self.leases.take(credentials.account_id):  # renewed at every step
                step = await self.reporter.step(credentials.account_id, nav)
                self._observe(step)
                if step.kind in ("idle", "waiting"):
                    return
        except Exception as exc:  # the database away, say: the next round tries again
            self.metrics.step_failures.inc()
            log.warning("NAV reporting of account %d failed: %r", credentials.account_id, exc)

    async def _sweep_if_due(self, credentials: NavCredentials) -> None:
        last = self._swept_at.get(credentials.account_id, 0.0)
        if time.monotonic() - last < self.sweep_s:
            return
        until = datetime.now(UTC) - timedelta(seconds=SWEEP_GRACE_S)
        found = await self.store.sweep(credentials.account_id, credentials.reporting_from, until)
        self._swept_at[credentials.account_id] = time.monotonic()
        if found:
            log.info(
                "account %d: %d documents found without a report", credentials.account_id, found
            )
            self.metrics.recorded.labels(source="sweep").inc(found)

    def _observe(self, step: Step) -> None:
        for finished, seconds in step.finished:
            self.metrics.finished.labels(state=finished.state.value).inc()
            self.metrics.submission_seconds.observe(seconds)

    async def count(self) -> None:
        """The gauges: reports by state, aborted ones by code, the oldest unreported's age."""
        async with self.sessions() as session:
            states = await reports_by_state(session)
            codes = await aborted_codes(session)
            oldest = await oldest_unreported(session)
        for state, number in states.items():
            self.metrics.documents.labels(state=state).set(number)
        self.metrics.aborted.clear()
        for code, number in codes.items():
            self.metrics.aborted.labels(code=code_label(code, self._codes)).inc(number)
        self.metrics.oldest_unreported.set(unreported_age_s(oldest, datetime.now(UTC)))

    async def stop(self) -> None:
        for task in self._running.values():
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
