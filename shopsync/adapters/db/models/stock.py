"""Warehouses, stock levels and the movements (or SKU misses) that change them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import AccountOwned, Base, BigId, Quantity, UtcDateTime, utcnow


class Warehouse(AccountOwned, Base):
    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))


class StockLevel(Base):
    __tablename__ = "stock_levels"

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class StockMovement(AccountOwned, Base):
    """A signed change of one product's stock in one warehouse, with why."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_product", "product_id", "warehouse_id"),)

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    reason: Mapped[str] = mapped_column(String(50))  # order | storno | manual | download
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SkuMiss(Base):
    """An order line whose SKU matched no product: no stock moved, and this says why."""

    __tablename__ = "sku_misses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"))
    order_ref: Mapped[str] = mapped_column(String(100))
    sku: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StockSyncState(Base):
    """What stock sync last did for a connection, for people (the console): the SKUs still
    owed after its last push, and its last tick (download or reconcile) with its result."""

    __tablename__ = "stock_sync_state"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    owed_skus: Mapped[int] = mapped_column(Integer, default=0)
    push_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    push_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    cycle_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    cycle_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cycle_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    cycle_error: Mapped[str | None] = mapped_column(Text, nullable=True)
