"""The document mailer: its own process, so PDF rendering never slows order intake.

It sends what the processor marked `requested` (after commit), retrying with backoff; several
mailers may run, but one is enough for thousands of e-mails an hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from shopsync.db.engine import create_engine, session_factory
from shopsync.mail.relay import EmailRelay
from shopsync.mail.smtp import SmtpMailer
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
    relay = EmailRelay(
        session_factory(engine),
        SmtpMailer(settings.smtp_host, settings.smtp_port),
        settings.mail_from,
    )
    runner = web.AppRunner(_status_app(registry), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.service_bind_host, settings.order_mailer_port).start()
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


def _status_app(registry: CollectorRegistry) -> web.Application:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", ok)
    app.router.add_get("/readyz", ok)
    return app


def run(settings: Settings) -> None:
    # Below the pipeline in the CPU queue: a backlog of PDFs drains when the CPU is free
    # instead of delaying the next documents (a niceness can only be raised, never lowered).
    if settings.order_mailer_nice:
        os.nice(settings.order_mailer_nice)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(main())
