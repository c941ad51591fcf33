"""A document's PDF at its signed link, for whoever clicks it in the shop's admin.

`GET /documents/<id>/<signature>.pdf`: the signature is the HMAC of the id (key derived from
the secret key); a wrong one, a tampered id or an unknown document all get the same bare 404.
The PDF is the e-mailed one (service_layer.document_pdf), rendered off the event loop so
webhooks keep their latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from services.webhook_gateway.keys import LINK_KEY, SESSIONS
from shopsync.adapters.mail.pdf import render_pdf
from shopsync.adapters.secrets import load_or_create_key
from shopsync.domain.document_links import link_key, signature_valid
from shopsync.domain.invoice_page import InvoicePage
from shopsync.service_layer.document_pdf import PageRefused, document_page
from shopsync.settings import Settings

ROUTE = r"/documents/{document_id:[0-9]{1,18}}/{signature:[0-9a-f]{64}}.pdf"


async def document_pdf(request: web.Request) -> web.Response:
    """The PDF when the link's signature is the document's; else 404 with no hint why."""
    document_id = int(request.match_info["document_id"])
    if not signature_valid(request.app[LINK_KEY], document_id, request.match_info["signature"]):
        raise web.HTTPNotFound()
    page = await _page(request, document_id)
    pdf = await asyncio.to_thread(render_pdf, page)
    headers = {"Content-Disposition": f'inline; filename="{_file_name(page)}.pdf"'}
    return web.Response(body=pdf, content_type="application/pdf", headers=headers)


async def _page(request: web.Request, document_id: int) -> InvoicePage:
    async with request.app[SESSIONS]() as session:
        try:
            return await document_page(session, document_id)
        except PageRefused:
            raise web.HTTPNotFound() from None


def _file_name(page: InvoicePage) -> str:
    number = page.number or "document"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in number)


def link_key_context(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    """The key document links are checked with, read when the gateway starts."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[LINK_KEY] = link_key(load_or_create_key(settings))
        yield

    return context
