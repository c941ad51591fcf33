"""What ShopSync knows of a shop order: its lifecycle state and whether it is held for review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, BigId, Json, UtcDateTime, utcnow


class OrderStateRow(Base):
    """One shop order's lifecycle state (shopsync.domain.order_state), as JSON."""

    __tablename__ = "order_states"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    order_ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HeldOrder(Base):
    """An order event held for review: a field ShopSync will not turn into a document as is."""

    __tablename__ = "held_orders"
    __table_args__ = (Index("ix_held_orders_open", "connection_id", "released_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"))
    order_ref: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    status_id: Mapped[str] = mapped_column(String(50))
    field: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    event: Mapped[str] = mapped_column(Text)  # the OrderReceived as JSON, for the release
    held_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OrderReconcileMark(Base):
    """How far a connection's orders are reconciled by polling (shopsync.domain.order_reconciling).

    Every change before `reconciled_until` was published; a pass under way started at
    `pass_started_at` and has published its pages before `next_page`.
    """

    __tablename__ = "order_reconcile_marks"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    reconciled_until: Mapped[datetime] = mapped_column(UtcDateTime)
    pass_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    next_page: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
