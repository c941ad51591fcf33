"""Console operators: adding one (`shopsync operators add`), listing them, logging one in."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Operator
from shopsync.adapters.passwords import decoy_hash, hash_password, password_matches

ROLES = ("admin", "viewer")
SHORTEST_PASSWORD = 12
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,200}@[^@\s]{1,118}\.[^@\s]{1,}$")


class OperatorError(Exception):
    """An operator cannot be added as asked; the message says why."""


@dataclass(frozen=True)
class OperatorView:
    """Who is logged in: enough to decide what they may do, never the hash."""

    id: int
    email: str
    role: str

    @property
    def may_change(self) -> bool:
        return self.role == "admin"


def _view(row: Operator) -> OperatorView:
    return OperatorView(row.id, row.email, row.role)


async def add_operator(session: AsyncSession, email: str, role: str, password: str) -> OperatorView:
    """A new operator with the password's argon2 hash; refused if the e-mail is taken."""
    email = _checked(email.strip().lower(), role, password)
    if await find_operator(session, email) is not None:
        raise OperatorError(f"an operator {email} already exists")
    password_hash = await asyncio.to_thread(hash_password, password)
    row = Operator(email=email, role=role, password_hash=password_hash)
    session.add(row)
    await session.flush()
    return _view(row)


def _checked(email: str, role: str, password: str) -> str:
    if not EMAIL_PATTERN.match(email):
        raise OperatorError(f"{email!r} is not an e-mail address")
    check_role(role)
    check_password(password)
    return email


def check_role(role: str) -> None:
    """Refuse a role that is not one of ROLES."""
    if role not in ROLES:
        raise OperatorError(f"role {role!r}: choose admin or viewer")


def check_password(password: str) -> None:
    """Refuse a password shorter than SHORTEST_PASSWORD."""
    if len(password) < SHORTEST_PASSWORD:
        raise OperatorError(f"the password needs at least {SHORTEST_PASSWORD} characters")


async def find_operator(session: AsyncSession, email: str) -> Operator | None:
    """The operator row of this e-mail (already lower-cased), if any."""
    query = select(Operator).where(Operator.email == email)
    return (await session.execute(query)).scalar_one_or_none()


async def operators(session: AsyncSession) -> list[OperatorView]:
    """Every operator, by e-mail."""
    rows = (await session.execute(select(Operator).order_by(Operator.email))).scalars()
    return [_view(row) for row in rows]


async def authenticate(session: AsyncSession, email: str, password: str) -> OperatorView | None:
    """The operator whose password this is, else None (as slow for an unknown e-mail)."""
    row = await find_operator(session, email.strip().lower())
    hashed = row.password_hash if row is not None else decoy_hash()
    matches = await asyncio.to_thread(password_matches, hashed, password)
    return _view(row) if row is not None and matches else None
