"""Each document's write-back onto its Shoprenter order: state, the shop's row, retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, UtcDateTime, utcnow


class DocumentWriteback(Base):
    """One row per document written back (never two orderInvoices rows for one document)."""

    __tablename__ = "document_writebacks"
    __table_args__ = (Index("ix_document_writebacks_due", "connection_id", "state", "next_at"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"))
    order_ref: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20), default="pending")  # see WritebackState
    # The shop's orderInvoice id once the row exists there (kept: it is how we find it again).
    row_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    withdraw: Mapped[bool] = mapped_column(Boolean, default=False)  # voided: remove the row
    status_set: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
