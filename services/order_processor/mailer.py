"""The document mailer: its own process, so PDF rendering never slows order intake.

It sends what the processor marked `requested` (after commit), retrying with backoff; several
mailers may run, but one is enough for thousands of e-mails an hour.
"""

from __future__ import annotations

import asyncio
import logging
import os

from prometheus_client import CollectorRegistry

from services.order_processor.metrics import MailerMetrics
from services.order_processor.side_process import pause, served
from shopsync.adapters.mail.relay import EmailRelay
from shopsync.adapters.mail.smtp import SmtpMailer
from shopsync.adapters.metric_set import build
from shopsync.adapters.status_pages import run_until_signalled
from shopsync.service_layer.document_pdf import rendered_document
from shopsync.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Send due e-mails every second until stop is set; /metrics, /healthz, /readyz alongside."""
    registry = CollectorRegistry()
    metrics = build(MailerMetrics, registry)
    async with served(settings, registry, settings.order_mailer_port) as sessions:
        mailer = SmtpMailer(settings.smtp_host, settings.smtp_port)
        relay = EmailRelay(sessions, mailer, settings.mail_from, rendered_document)
        while not stop.is_set():
            if not await _send_round(relay, metrics):
                await pause(stop, 1.0)


async def _send_round(relay: EmailRelay, metrics: MailerMetrics) -> bool:
    """One round; True when it sent, failed or deferred any (more may be due right away)."""
    try:
        result = await relay.send_due()
    except Exception as exc:  # database blips: log, wait, go on
        log.warning("e-mail round failed: %r", exc)
        return False
    for name in ("sent", "failed", "retrying"):
        metrics.emails.labels(result=name).inc(getattr(result, name))
    return bool(result.sent or result.retrying or result.failed)


def run(settings: Settings) -> None:
    # Below the pipeline in the CPU queue: a backlog of PDFs drains when the CPU is free
    # instead of delaying the next documents (a niceness can only be raised, never lowered).
    if settings.order_mailer_nice:
        os.nice(settings.order_mailer_nice)

    run_until_signalled(serve, settings)
