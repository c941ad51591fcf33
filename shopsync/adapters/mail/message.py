"""The e-mail that carries a document: plain and HTML bodies, the PDF attached."""

from __future__ import annotations

from email.message import EmailMessage
from html import escape

from shopsync.domain.invoice_page import InvoicePage


def document_message(page: InvoicePage, pdf: bytes, sender: str, recipient: str) -> EmailMessage:
    """The document's e-mail to the buyer, its PDF (rendered from the same page) attached."""
    message = EmailMessage()
    message["Subject"] = f"{page.kind_name} {page.number} – {page.supplier.name}"
    message["From"] = sender
    message["To"] = recipient
    message.set_content(_plain_body(page))
    message.add_alternative(_html_body(page), subtype="html")
    filename = f"{page.number.replace('/', '-')}.pdf"
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def _plain_body(page: InvoicePage) -> str:
    return "\n\n".join(_paragraphs(page)) + "\n"


def _html_body(page: InvoicePage) -> str:
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in _paragraphs(page))


def _paragraphs(page: InvoicePage) -> list[str]:
    """What the e-mail says, one paragraph each; the PDF attached says the rest."""
    label, total = page.payable
    return [
        f"Kedves {page.buyer.name}!",
        f"Mellékelten küldjük a(z) {page.kind_name.lower()} {page.number} dokumentumot.\n"
        f"{label}: {total}",
        f"Üdvözlettel:\n{page.supplier.name}",
    ]
