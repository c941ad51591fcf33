"""What a document says it is: its title, and the sentences that keep it from being mistaken —
a storno names the invoice it reverses, a proforma and a draft say they are not invoices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shopsync.domain.documents import DocumentKind
from shopsync.domain.invoice_figures import day_text

if TYPE_CHECKING:
    from shopsync.domain.invoice_page import Original

DRAFT_TITLE = "PISZKOZAT — nem számla"
PROFORMA_TITLE = "Díjbekérő — nem számla"
TITLES = {
    DocumentKind.INVOICE: ("Számla", "Számla"),
    DocumentKind.STORNO: ("Sztornó számla", "Sztornó számla"),
    DocumentKind.PROFORMA: ("Díjbekérő", PROFORMA_TITLE),
}
PROFORMA_NOTICE = (
    "Ez a díjbekérő fizetési felhívás, nem számla: áfa levonására nem jogosít. "
    "A számlát a teljesítéskor állítjuk ki."
)
DRAFT_NOTICE = "Ez a dokumentum piszkozat, nem számla: véglegesítéskor kap sorszámot és keltet."


@dataclass(frozen=True)
class Heading:
    kind_name: str
    title: str
    notices: tuple[str, ...]
    watermark: str = ""


def heading_of(
    kind: DocumentKind, draft: bool, original: Original | None, proforma_number: str
) -> Heading:
    """A draft is never shown as final: its title, a notice and a watermark say so."""
    if draft:
        return Heading("Piszkozat", DRAFT_TITLE, (DRAFT_NOTICE,), DRAFT_TITLE)
    kind_name, title = TITLES[kind]
    return Heading(kind_name, title, _notices(kind, original, proforma_number))


def _notices(
    kind: DocumentKind, original: Original | None, proforma_number: str
) -> tuple[str, ...]:
    if kind is DocumentKind.PROFORMA:
        return (PROFORMA_NOTICE,)
    if original is not None:
        return (
            f"Eredeti számla: {original.number}, kelte: {day_text(original.issue_day)} "
            "Ez a sztornó számla az eredeti számlát teljes összegében érvényteleníti.",
        )
    return (f"Előzmény díjbekérő: {proforma_number}",) if proforma_number else ()
