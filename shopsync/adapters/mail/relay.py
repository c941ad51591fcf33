"""Sending requested document e-mails after commit, retried with backoff, never twice on success."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosmtplib
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.mail.message import document_message
from shopsync.adapters.mail.pdf import PdfDocument, PdfLine, render_pdf
from shopsync.adapters.mail.smtp import Mailer
from shopsync.domain.orders import budapest_day

log = logging.getLogger(__name__)
#: Refusals (a bad address, a 5xx) before an e-mail is given up; an absent server never counts.
MAX_ATTEMPTS = 5
OUTAGE_RETRY_S = 5.0


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


def pdf_document(document: Document, supplier: str, reference: str = "") -> PdfDocument:
    address = document.buyer_address or {}
    return PdfDocument(
        kind=document.kind,
        number=document.document_number or f"piszkozat-{document.id}",
        supplier=supplier,
        buyer_name=document.buyer_name,
        buyer_address=" ".join(
            v
            for v in (
                address.get("postcode", ""),
                address.get("city", ""),
                address.get("address", ""),
            )
            if v
        ),
        buyer_tax_number=document.buyer_tax_number,
        issued=budapest_day(document.issued_at or document.created_at).isoformat(),
        currency=document.currency,
        lines=tuple(
            PdfLine(line.name, line.quantity, line.unit_net_price, line.vat_rate, line.gross)
            for line in document.lines
        ),
        total_net=document.total_net,
        total_vat=document.total_vat,
        total_gross=document.total_gross,
        reference=reference,
    )


async def reference_of(session: AsyncSession, document: Document) -> str:
    """What the document refers to: a storno its invoice, an invoice the proforma it follows."""
    for label, referred in (
        ("Eredeti számla", document.references_document_id),
        ("Díjbekérő", document.follows_document_id),
    ):
        if referred is not None:
            other = await session.get(Document, referred)
            if other is not None and other.document_number:
                return f"{label}: {other.document_number}"
    return ""


class EmailRelay:
    """Picks documents whose e-mail is due, sends each, records sent / retrying / failed."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        sender: str,
        base_delay_s: float = 2.0,
    ) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._sender = sender
        self._base_delay_s = base_delay_s

    async def send_due(self, limit: int = 50) -> MailOutcome:
        outcome = MailOutcome()
        now = datetime.now(UTC)
        async with self._sessions() as session:
            due = (
                (
                    await session.execute(
                        select(Document)
                        .options(selectinload(Document.lines))
                        .where(
                            Document.email_status.in_(("requested", "retrying")),
                            Document.draft.is_(False),
                            or_(Document.email_next_at.is_(None), Document.email_next_at <= now),
                        )
                        .order_by(Document.id)
                        .limit(limit)
                    )
                )
                .scalars()
                .all()
            )
            for document in due:
                await self._send_one(session, document, outcome)
                await session.commit()  # each result recorded at once: a crash re-sends none
        return outcome

    async def _send_one(
        self, session: AsyncSession, document: Document, outcome: MailOutcome
    ) -> None:
        account = await session.get(Account, document.account_id)
        supplier = account.name if account is not None else "ShopSync"
        content = pdf_document(document, supplier, await reference_of(session, document))
        message = document_message(content, render_pdf(content), self._sender, document.buyer_email)
        try:
            await self._mailer.send(message)
        except Exception as exc:  # any SMTP or socket failure is recorded, never raised
            document.email_error = f"{type(exc).__name__}: {exc}"[:1000]
            if _server_away(exc):  # nobody's fault: wait for the server, however long
                document.email_status = "retrying"
                document.email_next_at = datetime.now(UTC) + timedelta(seconds=OUTAGE_RETRY_S)
                outcome.retrying += 1
                return
            document.email_attempts += 1
            if document.email_attempts >= MAX_ATTEMPTS:
                document.email_status = "failed"
                outcome.failed += 1
                log.error(
                    "e-mail of document %s failed for good: %s", document.id, document.email_error
                )
            else:
                document.email_status = "retrying"
                delay = self._base_delay_s * 2 ** (document.email_attempts - 1)
                document.email_next_at = datetime.now(UTC) + timedelta(seconds=delay)
                outcome.retrying += 1
            return
        document.email_status = "sent"
        document.email_error = None
        outcome.sent += 1
