"""What a stored document refers to, in the words `documents show` prints."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document


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
