"""The audit log: every change made through the console, who made it, old → new (masked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import AuditEntry
from shopsync.domain.audit import field_changes


def record_change(
    session: AsyncSession,
    operator: str,
    action: str,
    target: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction, so it is kept exactly when the change is."""
    changes = [asdict(c) for c in field_changes(before or {}, after or {})]
    entry = AuditEntry(operator=operator, action=action, target=target, changes=changes)
    session.add(entry)
    return entry


async def audit_entries(session: AsyncSession, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())
