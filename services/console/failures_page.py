"""Failures: dead letters with replay, held orders with release, NAV-aborted documents with
resend (each through the CLI's use case, audited)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from services.console.audit_trail import audited
from services.console.keys import SESSIONS, SETTINGS, operator_of
from services.console.pages import render
from shopsync.adapters.db.models import DeadLetterRow
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.kafka.resend import StoredEvent, resend
from shopsync.service_layer.dead_letter_replay import ReplayFailed, replay_dead_letters
from shopsync.service_layer.held_orders import NothingHeld, held_orders, release
from shopsync.service_layer.nav_failures import aborted_documents
from shopsync.service_layer.nav_reporter import NavResendRefused
from shopsync.service_layer.nav_reporter import resend as resend_to_nav
from shopsync.service_layer.shops import ShopError


async def failures(
    request: web.Request, note: str | None = None, status: int = 200
) -> web.Response:
    async with request.app[SESSIONS]() as db:
        letters = await _dead_letters(db)
        held = await held_orders(db)
        aborted = await aborted_documents(db)
    context = {
        "letters": letters,
        "held": held,
        "aborted": aborted,
        "note": note or request.query.get("note"),
    }
    return await render(request, "failures.html", context, status)


async def _dead_letters(db: AsyncSession) -> list[DeadLetterRow]:
    query = select(DeadLetterRow).where(DeadLetterRow.replayed_at.is_(None))
    return list((await db.execute(query.order_by(DeadLetterRow.id.desc()).limit(500))).scalars())


def _resender(request: web.Request) -> partial[list[str]]:
    return partial(_send, request.app[SETTINGS].bootstrap_servers)


def _send(bootstrap: str, events: Sequence[StoredEvent]) -> list[str]:
    return resend(bootstrap, events)


async def replay(request: web.Request) -> web.StreamResponse:
    """Send one dead letter back to its topic; the audit log says who did."""
    letter_id = int(request.match_info["letter_id"])
    async with request.app[SESSIONS]() as db:
        try:
            count = await replay_dead_letters(db, _resender(request), [letter_id])
        except ReplayFailed as exc:
            return await failures(request, f"{exc}: is the broker running?", 503)
        who, target = operator_of(request), f"dead letter {letter_id}"
        audited(db, who, "replay dead letter", target, {}, {"replayed": count})
        await db.commit()
    raise web.HTTPSeeOther(str(URL("/failures").with_query(note=f"replayed {count}")))


async def release_held(request: web.Request) -> web.StreamResponse:
    """Handle a held order again, as `orders release` does (the same use case)."""
    form = await request.post()
    connection, order = str(form.get("connection", "")), str(form.get("order", ""))
    sessions = request.app[SESSIONS]
    try:
        lines = await release(sessions, connection, order)
    except (NothingHeld, ShopError) as exc:
        return await failures(request, str(exc), 409)
    outcome = "; ".join(lines)
    async with sessions() as db:
        target = f"{connection} order {order}"
        audited(db, operator_of(request), "release held order", target, {}, {"outcome": outcome})
        await db.commit()
    raise web.HTTPSeeOther(str(URL("/failures").with_query(note=outcome[:300])))


async def resend_nav(request: web.Request) -> web.StreamResponse:
    """An aborted document back to pending, as `shopsync nav resend` does; the reporter sends
    it anew as it stands now (after its cause was fixed)."""
    document_id = int(request.match_info["document_id"])
    sessions = request.app[SESSIONS]
    try:
        await resend_to_nav(SqlAlchemyNavReportStore(sessions), document_id)
    except NavResendRefused as exc:
        return await failures(request, str(exc), 409)
    async with sessions() as db:
        before, after = {"nav_state": "aborted"}, {"nav_state": "pending"}
        target = f"document {document_id}"
        audited(db, operator_of(request), "resend to NAV", target, before, after)
        await db.commit()
    note = f"document {document_id} is pending: the NAV reporter sends it anew"
    raise web.HTTPSeeOther(str(URL("/failures").with_query(note=note)))
