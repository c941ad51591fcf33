"""A history of sync cycles: one row per finished catalog or stock cycle of a connection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, BigId, UtcDateTime


class SyncRun(Base):
    """One finished cycle of one flow (e.g. catalog download, stock upload): when it started,
    how long it took, how it ended (ok | failed)."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connection_at", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"))
    flow: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seconds: Mapped[float] = mapped_column(Float)
    result: Mapped[str] = mapped_column(String(20))
