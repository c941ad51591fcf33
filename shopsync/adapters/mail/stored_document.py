"""A stored document as the PDF shows it: parties, lines, totals and what it refers to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Document
from shopsync.adapters.mail.pdf import PdfDocument, PdfLine
from shopsync.domain.orders import budapest_day


def pdf_document(document: Document, supplier: str, reference: str = "") -> PdfDocument:
    return PdfDocument(
        kind=document.kind,
        number=document.document_number or f"piszkozat-{document.id}",
        supplier=supplier,
        buyer_name=document.buyer_name,
        buyer_address=_address_line(document.buyer_address or {}),
        buyer_tax_number=document.buyer_tax_number,
        issued=budapest_day(document.issued_at or document.created_at).isoformat(),
        currency=document.currency,
        lines=_pdf_lines(document),
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


def _address_line(address: dict[str, str]) -> str:
    parts = (address.get("postcode", ""), address.get("city", ""), address.get("address", ""))
    return " ".join(v for v in parts if v)


def _pdf_lines(document: Document) -> tuple[PdfLine, ...]:
    return tuple(
        PdfLine(line.name, line.quantity, line.unit_net_price, line.vat_rate, line.gross)
        for line in document.lines
    )
