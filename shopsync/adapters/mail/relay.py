"""Sending requested document e-mails after commit, retried with backoff, never twice on success."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
from sqlalchemy import Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.models import Document
from shopsync.adapters.mail.message import document_message
from shopsync.adapters.mail.pdf import RenderedDocument
from shopsync.adapters.mail.smtp import Mailer
from shopsync.adapters.mail.stored_document import reference_of
from shopsync.domain.invoice_page import PageRefused

__all__ = ["MAX_ATTEMPTS", "DocumentRenderer", "EmailRelay", "MailOutcome", "reference_of"]

log = logging.getLogger(__name__)
#: Refusals (a bad address, a 5xx) before an e-mail is given up; an absent server never counts.
MAX_ATTEMPTS = 5
OUTAGE_RETRY_S = 5.0
#: A document that lacks what its PDF must show (supplier data, a rate) waits for the operator.
INCOMPLETE_RETRY_S = 60.0
#: A claimed e-mail is another mailer's again after this (its claimer died mid-send).
CLAIM_LEASE_S = 120.0


class DocumentRenderer(Protocol):
    """The document's page and PDF (the service layer's; the same one `documents pdf` uses)."""

    async def __call__(self, session: AsyncSession, document_id: int) -> RenderedDocument: ...


def _server_away(exc: Exception) -> bool:
    """The SMTP server cannot be reached or went away: not the e-mail's fault."""
    away = (
        OSError,
        TimeoutError,
        aiosmtplib.SMTPConnectError,
        aiosmtplib.SMTPServerDisconnected,
        aiosmtplib.SMTPTimeoutError,
    )
    return isinstance(exc, away)


@dataclass
class MailOutcome:
    sent: int = 0
    failed: int = 0
    retrying: int = 0


@dataclass
class EmailRelay:
    """Picks documents whose e-mail is due, sends each, records sent / retrying / failed."""

    sessions: async_sessionmaker[AsyncSession]
    mailer: Mailer
    sender: str
    render: DocumentRenderer
    base_delay_s: float = 2.0

    async def send_due(self, limit: int = 50) -> MailOutcome:
        outcome = MailOutcome()
        claimed = await self._claim(limit)
        async with self.sessions() as session:
            for document in await _documents(session, claimed):
                await self._send_one(session, document, outcome)
                await session.commit()  # each result recorded at once: a crash re-sends none
        return outcome

    async def _claim(self, limit: int) -> list[int]:
        """Lease the due e-mails to this mailer: another one (`up --workers`) skips them.

        Each lease is a compare-and-set on the due time read: of two mailers that read the
        same row (SQLite has no row locks) only one changes it."""
        async with self.sessions() as session:
            now = datetime.now(UTC)
            lease = now + timedelta(seconds=CLAIM_LEASE_S)
            mine = [
                document_id
                for document_id, seen in await _due_documents(session, now, limit)
                if await _lease(session, document_id, seen, lease)
            ]
            await session.commit()
            return mine

    async def _send_one(
        self, session: AsyncSession, document: Document, outcome: MailOutcome
    ) -> None:
        message = await self._message(session, document, outcome)
        if message is None:
            return
        try:
            await self.mailer.send(message)
        except Exception as exc:  # any SMTP or socket failure is recorded, never raised
            self._record_failure(document, exc, outcome)
            return
        document.email_status = "sent"
        document.email_error = None
        outcome.sent += 1

    async def _message(
        self, session: AsyncSession, document: Document, outcome: MailOutcome
    ) -> EmailMessage | None:
        """The e-mail with the document's PDF; None while the PDF lacks what it must show."""
        try:
            rendered = await self.render(session, document.id)
        except PageRefused as exc:  # never sent incomplete: it waits, its attempts untouched
            document.email_error = str(exc)[:1000]
            _retry_later(document, INCOMPLETE_RETRY_S, outcome)
            return None
        return document_message(rendered.page, rendered.pdf, self.sender, document.buyer_email)

    def _record_failure(self, document: Document, exc: Exception, outcome: MailOutcome) -> None:
        document.email_error = f"{type(exc).__name__}: {exc}"[:1000]
        if _server_away(exc):  # nobody's fault: wait for the server, however long
            _retry_later(document, OUTAGE_RETRY_S, outcome)
            return
        document.email_attempts += 1
        if document.email_attempts >= MAX_ATTEMPTS:
            _give_up(document, outcome)
        else:
            delay = self.base_delay_s * 2 ** (document.email_attempts - 1)
            _retry_later(document, delay, outcome)


async def _due_documents(
    session: AsyncSession, now: datetime, limit: int
) -> Sequence[Row[int, datetime | None]]:
    """Documents whose e-mail is requested or due again, oldest first, with their due time;
    locked on PostgreSQL, where rows another mailer holds are skipped."""
    query = (
        select(Document.id, Document.email_next_at)
        .where(
            Document.email_status.in_(("requested", "retrying")),
            Document.draft.is_(False),
            or_(Document.email_next_at.is_(None), Document.email_next_at <= now),
        )
        .order_by(Document.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).all()


async def _lease(
    session: AsyncSession, document_id: int, seen: datetime | None, lease: datetime
) -> bool:
    """Move the e-mail's due time to `lease` unless another mailer moved it first."""
    unchanged = Document.email_next_at.is_(None) if seen is None else Document.email_next_at == seen
    result = await session.execute(
        update(Document)
        .where(Document.id == document_id, unchanged)
        .values(email_next_at=lease)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def _documents(session: AsyncSession, ids: list[int]) -> list[Document]:
    """The claimed documents with their lines, in claim order."""
    if not ids:
        return []
    query = (
        select(Document)
        .options(selectinload(Document.lines))
        .where(Document.id.in_(ids))
        .order_by(Document.id)
    )
    return list((await session.execute(query)).scalars().all())


def _retry_later(document: Document, delay_s: float, outcome: MailOutcome) -> None:
    document.email_status = "retrying"
    document.email_next_at = datetime.now(UTC) + timedelta(seconds=delay_s)
    outcome.retrying += 1


def _give_up(document: Document, outcome: MailOutcome) -> None:
    document.email_status = "failed"
    outcome.failed += 1
    log.error("e-mail of document %s failed for good: %s", document.id, document.email_error)
