"""The gateway's routes: the webhook endpoint, document PDFs and the status pages."""

from __future__ import annotations

from aiohttp import web

from services.webhook_gateway import documents, handlers, status


def add_routes(app: web.Application) -> None:
    app.router.add_post("/webhooks/shoprenter/{connection}/{token}", handlers.receive_webhook)
    app.router.add_get(documents.ROUTE, documents.document_pdf)
    app.router.add_get("/healthz", status.healthz)
    app.router.add_get("/readyz", status.readyz)
    app.router.add_get("/metrics", status.metrics_page)
