"""Console sessions kept server-side: the cookie only names one, and it counts while its row is
here and unexpired, so logging out (or losing the account) ends it, whatever a browser holds."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import ConsoleSession, Operator
from shopsync.service_layer.operators import OperatorView

#: As long as the session cookie lives; the row expires with it.
SESSION_LIFETIME = timedelta(hours=8)


async def open_session(session: AsyncSession, operator_id: int, now: datetime) -> str:
    """A new session for this operator (expired ones pruned on the way); its id for the cookie."""
    await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    sid = secrets.token_urlsafe(32)
    expires_at = now + SESSION_LIFETIME
    session.add(
        ConsoleSession(sid=sid, operator_id=operator_id, created_at=now, expires_at=expires_at)
    )
    await session.flush()
    return sid


async def session_operator(session: AsyncSession, sid: str, now: datetime) -> OperatorView | None:
    """Who this session is logged in as, if it is still open (one primary-key read)."""
    query = (
        select(Operator)
        .join(ConsoleSession, ConsoleSession.operator_id == Operator.id)
        .where(ConsoleSession.sid == sid, ConsoleSession.expires_at > now)
    )
    row = (await session.execute(query)).scalar_one_or_none()
    return OperatorView(row.id, row.email, row.role) if row is not None else None


async def close_session(session: AsyncSession, sid: str) -> None:
    """Logging out: the session's cookie opens nothing any more."""
    await session.execute(delete(ConsoleSession).where(ConsoleSession.sid == sid))


async def end_sessions_of(session: AsyncSession, operator_id: int) -> None:
    """Every session of this operator ends (removed, or their role or password changed)."""
    await session.execute(delete(ConsoleSession).where(ConsoleSession.operator_id == operator_id))
