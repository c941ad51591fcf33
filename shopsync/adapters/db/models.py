"""Tables: accounts, shop connections, catalog, stock, documents, inbox and outbox."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopsync.adapters.db.base import Base, BigId, Json, Money, Quantity, Rate, UtcDateTime, utcnow


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ShopConnection(Base):
    """One Shoprenter shop of an account, with the settings of its three tabs."""

    __tablename__ = "shop_connections"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    shoprenter_path: Mapped[str] = mapped_column(String(100))
    auth_kind: Mapped[str] = mapped_column(String(10))  # "basic" | "oauth"
    api_user: Mapped[str] = mapped_column(String(200))  # Basic user or OAuth client id
    api_secret_encrypted: Mapped[str] = mapped_column(Text)
    api_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    oauth_token_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    webhook_token_hash: Mapped[str] = mapped_column(String(64))
    webhook_token_encrypted: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    # Order intake tab: off until the operator switches it on (and says which status does what)
    orders_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    orders_auto_accept: Mapped[bool] = mapped_column(Boolean, default=False)
    orders_status_rules: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    # The kind for statuses without a rule; None: such statuses issue nothing.
    orders_default_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    orders_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    orders_email: Mapped[bool] = mapped_column(Boolean, default=False)
    orders_stock_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    orders_stock_warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("warehouses.id"), nullable=True
    )
    # VAT rates (percent) an order line may carry besides 27, 18, 5 and 0 (e.g. OSS rates).
    orders_extra_vat_rates: Mapped[list[str]] = mapped_column(
        Json, default=list, server_default="[]"
    )
    # Which document moves an order's stock: "invoice" or "first_document" (the proforma).
    orders_stock_on: Mapped[str] = mapped_column(
        String(20), default="invoice", server_default="invoice"
    )
    orders_cancel_status_ids: Mapped[list[str]] = mapped_column(Json, default=list)
    orders_cancel_action: Mapped[str] = mapped_column(String(20), default="storno")
    orders_buyer_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # NAV Online Számla export: customerVatStatus override (None: from the buyer's data),
    # the exemption / out-of-scope case of 0% lines, payment method name → NAV method.
    nav_customer_vat_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    nav_zero_vat_case: Mapped[str | None] = mapped_column(String(20), nullable=True)
    nav_payment_methods: Mapped[dict[str, str]] = mapped_column(
        Json, default=dict, server_default="{}"
    )
    invoice_series: Mapped[str] = mapped_column(String(20), default="INV")
    proforma_series: Mapped[str] = mapped_column(String(20), default="PRO")

    # Product tab
    products_download_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    products_download_price_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_groups.id"), nullable=True
    )
    products_upload_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    products_excluded_group_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    products_selling_price_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_groups.id"), nullable=True
    )
    products_sale_price_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("price_groups.id"), nullable=True
    )
    products_interval_s: Mapped[int] = mapped_column(Integer, default=600)

    # Stock tab: switched on and off without forgetting the mode
    stock_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    stock_mode: Mapped[str] = mapped_column(String(10), default="off")  # off|download|upload
    stock_download_warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("warehouses.id"), nullable=True
    )
    stock_upload_warehouse_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    stock_field: Mapped[str] = mapped_column(String(10), default="stock1")

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    account: Mapped[Account] = relationship()

    @property
    def stock_sync_mode(self) -> str:
        """What stock sync does for this connection now: off, download or upload."""
        return self.stock_mode if self.enabled and self.stock_enabled else "off"


class ProductGroup(Base):
    __tablename__ = "product_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("product_groups.id"), nullable=True)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("account_id", "sku"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    sku: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("product_groups.id"), nullable=True)
    net_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(27))
    unit: Mapped[str] = mapped_column(String(20), default="db")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class PriceGroup(Base):
    __tablename__ = "price_groups"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
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


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class StockLevel(Base):
    __tablename__ = "stock_levels"

    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DocumentSeries(Base):
    """The next number of one numbering series; rows are locked while a number is taken."""

    __tablename__ = "document_series"
    __table_args__ = (UniqueConstraint("account_id", "kind", "prefix"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(20))
    next_number: Mapped[int] = mapped_column(Integer, default=1)


class Document(Base):
    """An invoice, proforma or storno made from one order of one connection."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("connection_id", "order_ref", "kind", "generation"),
        Index("ix_documents_account_created", "account_id", "created_at"),
        Index("ix_documents_email_due", "email_status", "email_next_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"))
    order_ref: Mapped[str] = mapped_column(String(100))
    order_status: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[str] = mapped_column(String(20))  # invoice | proforma | storno
    # 1, then 2 for the invoice of an order re-activated after its storno, ...
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # live | voided (drafts, proformas) | stornoed (invoices) | settled (proformas)
    status: Mapped[str] = mapped_column(String(20), default="live", server_default="live")
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    series: Mapped[str] = mapped_column(String(20))
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    buyer_name: Mapped[str] = mapped_column(String(300), default="")
    buyer_kind: Mapped[str] = mapped_column(String(20), default="private")
    buyer_tax_number: Mapped[str] = mapped_column(String(50), default="")
    buyer_email: Mapped[str] = mapped_column(String(300), default="")
    buyer_address: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    currency: Mapped[str] = mapped_column(String(3))
    total_net: Mapped[Decimal] = mapped_column(Money)
    total_vat: Mapped[Decimal] = mapped_column(Money)
    total_gross: Mapped[Decimal] = mapped_column(Money)
    email_status: Mapped[str] = mapped_column(String(20), default="not_requested")
    email_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    email_next_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The order's payment method as Shoprenter named it (and its code, when it gave one).
    payment_method: Mapped[str] = mapped_column(String(200), default="", server_default="")
    payment_method_code: Mapped[str] = mapped_column(String(50), default="", server_default="")
    references_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), nullable=True
    )
    # The proforma an invoice follows (printed on the invoice as a reference).
    follows_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id"), nullable=True
    )
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    lines: Mapped[list[DocumentLine]] = relationship(
        back_populates="document", order_by="DocumentLine.position", cascade="all, delete-orphan"
    )


class DocumentLine(Base):
    __tablename__ = "document_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    line_kind: Mapped[str] = mapped_column(String(20))  # product|shipping|payment_fee|...
    name: Mapped[str] = mapped_column(String(500))
    sku: Mapped[str] = mapped_column(String(100), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(20), default="db")
    unit_net_price: Mapped[Decimal] = mapped_column(Money)
    vat_rate: Mapped[Decimal] = mapped_column(Rate)
    net: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    gross: Mapped[Decimal] = mapped_column(Money)

    document: Mapped[Document] = relationship(back_populates="lines")


class StockMovement(Base):
    """A signed change of one product's stock in one warehouse, with why."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_product", "product_id", "warehouse_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
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


class OrderStateRow(Base):
    """One shop order's lifecycle state (shopsync.domain.order_state), as JSON."""

    __tablename__ = "order_states"

    connection_id: Mapped[int] = mapped_column(ForeignKey("shop_connections.id"), primary_key=True)
    order_ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProcessedEvent(Base):
    """The inbox: one row per (consumer, event) already handled, for idempotency."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(50), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


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


class ExchangeRate(Base):
    """HUF value of one unit of a currency on a day (MNB or bank rate, as the account uses)."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate_date: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 6, asdecimal=True))
    source: Mapped[str] = mapped_column(String(50), default="manual")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
