"""Consumed and outgoing events: the inbox, dead letters and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import Base, BigId, UtcDateTime, utcnow


class ProcessedEvent(Base):
    """The inbox: one row per (consumer, event) already handled, for idempotency."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(50), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DeadLetterRow(Base):
    """An event a consumer could not handle, kept with the reason until replayed.

    Also sent to the consumer's dead-letter topic; this copy survives a broker restart.
    """

    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_consumer", "consumer", "replayed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(300), unique=True)  # topic:partition:offset
    consumer: Mapped[str] = mapped_column(String(50))
    source_topic: Mapped[str] = mapped_column(String(200))
    source_partition: Mapped[int] = mapped_column(Integer)
    source_offset: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str | None] = mapped_column(Text, nullable=True)
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OutboxMessage(Base):
    """An event written with the change that caused it, relayed to Kafka after commit."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ShopRequestSlot(Base):
    """A shop's next free request slot (Unix seconds), taken by every process that calls it."""

    __tablename__ = "shop_request_slots"

    shop: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_slot: Mapped[float] = mapped_column(Float)
