"""Documents as table rows and back: the one mapping between the domain and `documents`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from shopsync.adapters.db.models import DocumentLine
from shopsync.domain.document_content import DocumentContent
from shopsync.domain.documents import DocumentDraft, DocumentKind, Line, LineKind, format_number
from shopsync.domain.order_state import DocumentRef
from shopsync.domain.orders import Buyer

#: The columns every new document starts with: live, unnumbered, unissued, no e-mail owed.
UNNUMBERED: dict[str, Any] = {
    "status": "live",
    "number": None,
    "document_number": None,
    "issued_at": None,
    "exchange_rate": None,
    "email_status": "not_requested",
    "email_attempts": 0,
}


def document_row(
    content: DocumentContent,
    owner: tuple[int, int, str],
    ref: DocumentRef,
    draft: bool,
    now: datetime,
) -> dict[str, Any]:
    """The columns of a new document (unnumbered); owner is (account, connection, order)."""
    return {
        **_order_columns(owner, ref, content.order_status),
        "draft": draft,
        "series": content.series,
        **_buyer_columns(content),
        **_payment_columns(content),
        "created_at": now,
        **UNNUMBERED,
    }


def _order_columns(owner: tuple[int, int, str], ref: DocumentRef, status: str) -> dict[str, Any]:
    account_id, connection_id, order_ref = owner
    return {
        "account_id": account_id,
        "connection_id": connection_id,
        "order_ref": order_ref,
        "order_status": status[:50],
        "kind": ref.kind.value,
        "generation": ref.generation,
    }


def _buyer_columns(content: DocumentContent) -> dict[str, Any]:
    buyer = content.buyer
    return {
        "buyer_name": buyer.name,
        "buyer_tax_number": buyer.tax_number,
        "buyer_kind": content.buyer_kind,
        "buyer_email": buyer.email,
        "buyer_address": {
            "country": buyer.country,
            "country_code": buyer.country_code,
            "postcode": buyer.postcode,
            "city": buyer.city,
            "address": buyer.address,
        },
    }


def _payment_columns(content: DocumentContent) -> dict[str, Any]:
    """How much, in what, paid how."""
    return {
        "currency": content.body.currency,
        "payment_method": content.payment_method[:200],
        "payment_method_code": content.payment_method_code[:50],
        "total_net": content.body.total_net,
        "total_vat": content.body.total_vat,
        "total_gross": content.body.total_gross,
    }


def numbered(
    series: str, number: int, email: bool, buyer_email: str, now: datetime
) -> dict[str, Any]:
    """What a number changes: number, issue time, final, and an e-mail owed if asked for."""
    return {
        "number": number,
        "document_number": format_number(series, number),
        "issued_at": now,
        "draft": False,
        "email_status": "requested" if email and buyer_email else "not_requested",
    }


def line_rows(body: DocumentDraft) -> list[dict[str, Any]]:
    return [_line_row(position, line) for position, line in enumerate(body.lines, 1)]


def _line_row(position: int, line: Line) -> dict[str, Any]:
    return {
        "position": position,
        "line_kind": line.kind.value,
        "name": line.name[:500],
        "sku": line.sku[:100],
        "quantity": line.quantity,
        "unit": "db",  # darab (piece): every line is counted in pieces so far
        "unit_net_price": line.unit_net_price,
        "vat_rate": line.vat_rate,
        "net": line.net,
        "vat": line.vat,
        "gross": line.gross,
    }


def lines_of(lines: Iterable[DocumentLine] | Iterable[Any]) -> tuple[Line, ...]:
    """Stored lines (ORM objects or rows, in position order) as the domain's Line values."""
    return tuple(
        Line(
            LineKind(r.line_kind),
            r.name,
            r.sku,
            r.quantity,
            r.unit_net_price,
            r.vat_rate,
            r.net,
            r.vat,
            r.gross,
        )
        for r in lines
    )


def content_of(document: Mapping[str, Any], lines: Iterable[Any]) -> DocumentContent:
    """A stored document's columns and lines as the domain's content."""
    return DocumentContent(
        series=document["series"],
        order_status=document["order_status"],
        buyer=_buyer_of(document),
        buyer_kind=document["buyer_kind"],
        payment_method=document["payment_method"],
        payment_method_code=document["payment_method_code"],
        body=DocumentDraft(
            DocumentKind(document["kind"]),
            document["currency"],
            lines_of(lines),
            document["total_net"],
            document["total_vat"],
            document["total_gross"],
        ),
    )


def _buyer_of(document: Mapping[str, Any]) -> Buyer:
    address = document["buyer_address"] or {}
    return Buyer(
        name=document["buyer_name"],
        company="",
        tax_number=document["buyer_tax_number"],
        email=document["buyer_email"],
        country=address.get("country", ""),
        country_code=address.get("country_code", ""),
        postcode=address.get("postcode", ""),
        city=address.get("city", ""),
        address=address.get("address", ""),
    )
