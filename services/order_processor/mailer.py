"""The document mailer: its own process, so PDF rendering never slows order intake.

It sends what the processor marked `requested` (after commit), retrying with backoff; several
mailers may run, but one is enough for thousands of e-mails an hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from prometheus_client import CollectorRegistry, Counter

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.health import service_readiness
from shopsync.adapters.mail.relay import EmailRelay
from shopsync.adapters.mail.smtp import SmtpMailer
from shopsync.adapters.status_pages import run_until_signalled, start_status_pages
from shopsync.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Send due e-mails every second until stop is set; /metrics, /healthz, /readyz alongside."""
    registry = CollectorRegistry()
    emails = Counter(
        "shopsync_document_emails_total",
        "Document e-mails by result",
        ["result"],
        registry=registry,
    )
    engine = create_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    relay = EmailRelay(
        sessions,
        SmtpMailer(settings.smtp_host, settings.smtp_port),
        settings.mail_from,
    )
    readiness = service_readiness(sessions)
    runner = await start_status_pages(registry, settings, settings.order_mailer_port, readiness)
    try:
        while not stop.is_set():
            try:
                result = await relay.send_due()
            except Exception as exc:  # database blips: log, wait, go on
                log.warning("e-mail round failed: %r", exc)
            else:
                for name in ("sent", "failed", "retrying"):
                    emails.labels(result=name).inc(getattr(result, name))
                if result.sent or result.retrying or result.failed:
                    continue  # more may be due right away
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    finally:
        await runner.cleanup()
        await engine.dispose()


def run(settings: Settings) -> None:
    # Below the pipeline in the CPU queue: a backlog of PDFs drains when the CPU is free
    # instead of delaying the next documents (a niceness can only be raised, never lowered).
    if settings.order_mailer_nice:
        os.nice(settings.order_mailer_nice)

    run_until_signalled(serve, settings)
