"""The e-mail that carries a document: plain and HTML bodies, the PDF attached."""

from __future__ import annotations

from email.message import EmailMessage
from html import escape

from shopsync.adapters.mail.pdf import TITLES, PdfDocument, money


def document_message(
    document: PdfDocument, pdf: bytes, sender: str, recipient: str
) -> EmailMessage:
    """The document's e-mail to the buyer, its PDF attached."""
    title = TITLES.get(document.kind, document.kind)
    total = money(document.total_gross, document.currency)
    message = EmailMessage()
    message["Subject"] = f"{title} {document.number} – {document.supplier}"
    message["From"] = sender
    message["To"] = recipient
    message.set_content(_plain_body(document, title, total))
    message.add_alternative(_html_body(document, title, total), subtype="html")
    filename = f"{document.number.replace('/', '-')}.pdf"
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def _plain_body(document: PdfDocument, title: str, total: str) -> str:
    return (
        f"Kedves {document.buyer_name}!\n\nMellékelten küldjük a(z) "
        f"{title.lower()} {document.number} dokumentumot.\nFizetendő: {total}\n\n"
        f"Üdvözlettel:\n{document.supplier}\n"
    )


def _html_body(document: PdfDocument, title: str, total: str) -> str:
    return (
        f"<p>Kedves {escape(document.buyer_name)}!</p><p>Mellékelten küldjük a(z) "
        f"{escape(title.lower())} <b>{escape(document.number)}</b> dokumentumot.</p>"
        f"<p>Fizetendő: <b>{escape(total)}</b></p><p>Üdvözlettel:<br>"
        f"{escape(document.supplier)}</p>"
    )
