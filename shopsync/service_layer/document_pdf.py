"""The PDF of document ID: its facts read from the store, its page, the rendered bytes.

One code path for the download (`shopsync documents pdf`) and the e-mail (the mailer's
renderer), so the attachment and a later download are the same bytes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from shopsync.adapters.db.models import Document
from shopsync.adapters.mail.pdf import RenderedDocument, render_pdf
from shopsync.domain.invoice_page import InvoicePage, PageRefused, invoice_page
from shopsync.domain.nav_invoice import NavDataError
from shopsync.service_layer.accounts import AccountError
from shopsync.service_layer.document_facts import document_facts
from shopsync.service_layer.exchange_rates import RateMissing

__all__ = ["PageRefused", "document_page", "rendered_document"]


async def rendered_document(session: AsyncSession, document_id: int) -> RenderedDocument:
    """The document's page and its PDF; PageRefused saying what is missing."""
    page = await document_page(session, document_id)
    return RenderedDocument(page, render_pdf(page))


async def document_page(session: AsyncSession, document_id: int) -> InvoicePage:
    """What the document's PDF shows; PageRefused when it cannot show what the law asks."""
    document = await _document(session, document_id)
    try:
        return invoice_page(await document_facts(session, document))
    except (AccountError, RateMissing, NavDataError) as exc:
        # An invoice without the supplier's tax number, the HUF VAT of a foreign currency or
        # the ground of a 0 % line is not a valid invoice: say what to set rather than print it.
        raise PageRefused(f"document {document_id}: {exc}") from exc


async def _document(session: AsyncSession, document_id: int) -> Document:
    query = select(Document).options(selectinload(Document.lines)).where(Document.id == document_id)
    document = (await session.execute(query)).scalar_one_or_none()
    if document is None:
        raise PageRefused(f"no document {document_id}")
    return document
