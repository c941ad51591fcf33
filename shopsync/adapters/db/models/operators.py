"""The console's operators (who may log in, with which role), their sessions and failed logins,
and its audit log of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, BigId, Json, UtcDateTime, utcnow


class Operator(Base):
    """A person who logs in to the console; the password is kept only as its argon2 hash."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # "admin" | "viewer"
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEntry(Base):
    """One change made through the console: who, when, what, and each field's old → new."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    operator: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(300))
    # [{"field": ..., "old": ..., "new": ...}], secrets already masked
    changes: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)


class ConsoleSession(Base):
    """A logged-in console session: the cookie names it, and it counts only while this row is
    here and not expired (logging out deletes it, whatever the browser still holds)."""

    __tablename__ = "console_sessions"
    __table_args__ = (
        Index("ix_console_sessions_operator", "operator_id"),
        Index("ix_console_sessions_expires", "expires_at"),  # pruning
    )

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginFailure(Base):
    """A failed console login under one key (the caller's address, or the account tried)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_key_at", "key", "at"),
        Index("ix_login_failures_at", "at"),  # pruning
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
