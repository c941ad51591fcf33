"""Changing who may use the console (`shopsync operators remove|role|password`): each change
ends the operator's open sessions, so it takes effect at their next click, not in 8 hours."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Operator
from shopsync.adapters.passwords import hash_password
from shopsync.service_layer.console_sessions import end_sessions_of
from shopsync.service_layer.operators import (
    OperatorError,
    check_password,
    check_role,
    find_operator,
)


async def remove_operator(session: AsyncSession, email: str) -> None:
    """The operator may no longer log in, and is logged out wherever they are."""
    row = await _existing(session, email)
    await end_sessions_of(session, row.id)
    await session.execute(delete(Operator).where(Operator.id == row.id))


async def change_role(session: AsyncSession, email: str, role: str) -> None:
    """A new role; the operator logs in again to work under it."""
    check_role(role)
    row = await _existing(session, email)
    row.role = role
    await end_sessions_of(session, row.id)


async def change_password(session: AsyncSession, email: str, password: str) -> None:
    """A new password (its argon2 hash); whoever held the old one is logged out."""
    check_password(password)
    row = await _existing(session, email)
    row.password_hash = await asyncio.to_thread(hash_password, password)
    await end_sessions_of(session, row.id)


async def _existing(session: AsyncSession, email: str) -> Operator:
    email = email.strip().lower()
    row = await find_operator(session, email)
    if row is None:
        raise OperatorError(f"no operator {email}")
    return row
