"""The local catalog: product groups, products, price groups and prices, and how shops know them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopsync.adapters.db.base import AccountOwned, Base, BigId, Money, Rate, UtcDateTime, utcnow


class ProductGroup(AccountOwned, Base):
    __tablename__ = "product_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("product_groups.id"), nullable=True)


class Product(AccountOwned, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("account_id", "sku"),)

    sku: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("product_groups.id"), nullable=True)
    net_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(27))
    unit: Mapped[str] = mapped_column(String(20), default="db")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class PriceGroup(AccountOwned, Base):
    __tablename__ = "price_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="HUF")


class Price(Base):
    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("price_group_id", "product_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    price_group_id: Mapped[int] = mapped_column(ForeignKey("price_groups.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    net_price: Mapped[Decimal] = mapped_column(Money)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class CatalogSyncState(Base):
    """Where a connection's catalog download stands: resumable page, progress, last success."""

    __tablename__ = "catalog_sync_state"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    full_done: Mapped[bool] = mapped_column(Boolean, default=False)
    next_page: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    cycle_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_after: Mapped[str | None] = mapped_column(String(30), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProductLink(Base):
    """One product as one shop knows it: its remote id and what was last exchanged."""

    __tablename__ = "product_links"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(200))
    downloaded_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    uploaded_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
