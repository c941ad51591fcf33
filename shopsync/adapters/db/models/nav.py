"""NAV Online Számla: each account's technical user (encrypted) and each document's report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, Json, UtcDateTime, utcnow


class NavCredentials(Base):
    """An account's NAV technical user; password and keys are Fernet-encrypted, never shown."""

    __tablename__ = "nav_credentials"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    login: Mapped[str] = mapped_column(String(100))
    tax_number: Mapped[str] = mapped_column(String(8))  # the taxpayer's 8 digits
    password_encrypted: Mapped[str] = mapped_column(Text)
    signing_key_encrypted: Mapped[str] = mapped_column(Text)
    exchange_key_encrypted: Mapped[str] = mapped_column(Text)
    # Documents issued from then on are reported even if their event never arrives (a sweep).
    reporting_from: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The nav-reporter that works on the account now (several may run): no other sends for it
    # until the lease runs out (its holder renews it while it works, a dead one's expires).
    lease_holder: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class NavReport(Base):
    """One invoice's or storno's report to NAV: its state, where it went, what NAV said."""

    __tablename__ = "nav_reports"
    __table_args__ = (Index("ix_nav_reports_account_state", "account_id", "state"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    operation: Mapped[str] = mapped_column(String(10))  # CREATE | STORNO
    number: Mapped[str] = mapped_column(String(50))
    # The storno's invoice (reported first), None for an invoice.
    invoice_document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the legal clock starts here
    state: Mapped[str] = mapped_column(String(20), default="pending")  # see ReportState
    transaction_id: Mapped[str | None] = mapped_column(String(30), nullable=True)
    batch_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    messages: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    next_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
