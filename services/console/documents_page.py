"""Documents: a search, one document's details, and its PDF (the e-mailed bytes)."""

from __future__ import annotations

import asyncio
from datetime import date

from aiohttp import web

from services.console.keys import SESSIONS
from services.console.pages import render
from shopsync.adapters.mail.pdf import render_pdf
from shopsync.service_layer.document_pdf import PageRefused, document_page
from shopsync.service_layer.document_reads import document_details
from shopsync.service_layer.document_search import DocumentQuery, search_documents

TEXT_FIELDS = ("number", "order", "buyer", "kind", "state", "connection")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _query(request: web.Request) -> DocumentQuery:
    """The search as the query string gives it (`from` and `to` are Budapest days)."""
    text = {name: request.query.get(name, "").strip() for name in TEXT_FIELDS}
    return DocumentQuery(
        number=text["number"],
        order=text["order"],
        buyer=text["buyer"],
        kind=text["kind"],
        state=text["state"],
        connection=text["connection"],
        day_from=_day(request.query.get("from", "")),
        day_to=_day(request.query.get("to", "")),
    )


async def documents(request: web.Request) -> web.Response:
    wanted = _query(request)
    async with request.app[SESSIONS]() as db:
        found = await search_documents(db, wanted)
    query = {**request.query}
    return await render(request, "documents.html", {"documents": found, "query": query})


async def document(request: web.Request) -> web.Response:
    async with request.app[SESSIONS]() as db:
        details = await document_details(db, int(request.match_info["document_id"]))
    if details is None:
        raise web.HTTPNotFound(text="no such document")
    return await render(request, "document.html", {"d": details})


async def document_pdf(request: web.Request) -> web.Response:
    """The PDF, rendered off the event loop; a document that cannot be printed says why."""
    document_id = int(request.match_info["document_id"])
    async with request.app[SESSIONS]() as db:
        try:
            page = await document_page(db, document_id)
        except PageRefused as exc:
            raise web.HTTPConflict(text=str(exc)) from exc
    pdf = await asyncio.to_thread(render_pdf, page)
    disposition = f'attachment; filename="document-{document_id}.pdf"'
    return web.Response(
        body=pdf, content_type="application/pdf", headers={"Content-Disposition": disposition}
    )
