"""The e-mail that carries a document: plain and HTML bodies, the PDF attached."""

from __future__ import annotations

from email.message import EmailMessage
from html import escape

from shopsync.adapters.mail.pdf import TITLES, PdfDocument, money


def document_message(
    document: PdfDocument, pdf: bytes, sender: str, recipient: str
) -> EmailMessage:
    title = TITLES.get(document.kind, document.kind)
    message = EmailMessage()
    message["Subject"] = f"{title} {document.number} – {document.supplier}"
    message["From"] = sender
    message["To"] = recipient
    total = money(document.total_gross, document.currency)
    message.set_content(
        f"Kedves {document.buyer_name}!\n\nMellékelten küldjük a(z) "
        f"{title.lower()} {document.number} dokumentumot.\nFizetendő: {total}\n\n"
        f"Üdvözlettel:\n{document.supplier}\n"
    )
    message.add_alternative(
        f"<p>Kedves {escape(document.buyer_name)}!</p><p>Mellékelten küldjük a(z) "
        f"{escape(title.lower())} <b>{escape(document.number)}</b> dokumentumot.</p>"
        f"<p>Fizetendő: <b>{escape(total)}</b></p><p>Üdvözlettel:<br>"
        f"{escape(document.supplier)}</p>",
        subtype="html",
    )
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=f"{document.number.replace('/', '-')}.pdf",
    )
    return message
