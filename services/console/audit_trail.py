"""Writing a console change to the audit log, and the page that shows the log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.keys import SESSIONS
from services.console.pages import render
from shopsync.service_layer.audit import audit_entries, record_change
from shopsync.service_layer.operators import OperatorView


def audited(
    db: AsyncSession,
    operator: OperatorView,
    action: str,
    target: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    """Record the change in the same transaction as the change itself."""
    record_change(db, operator.email, action, target, before, after)


async def audit_page(request: web.Request) -> web.Response:
    async with request.app[SESSIONS]() as db:
        entries = await audit_entries(db)
    return await render(request, "audit.html", {"entries": entries})
