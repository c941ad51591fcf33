"""Accounts and their Shoprenter shop connections, with each connection's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopsync.adapters.db.base import AccountOwned, Base, BigId, Json, UtcDateTime, utcnow


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ShopConnection(AccountOwned, Base):
    """One Shoprenter shop of an account, with the settings of its three tabs."""

    __tablename__ = "shop_connections"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

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
    # Seconds between reconciliation passes (None: every 5 minutes), and the earliest change
    # reconciliation reads: when intake was last switched on, or a backfill's start.
    orders_reconcile_interval_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    orders_reconcile_from: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # NAV Online Számla export: customerVatStatus override (None: from the buyer's data),
    # the exemption / out-of-scope case of 0% lines, payment method name → NAV method.
    nav_customer_vat_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    nav_zero_vat_case: Mapped[str | None] = mapped_column(String(20), nullable=True)
    nav_payment_methods: Mapped[dict[str, str]] = mapped_column(
        Json, default=dict, server_default="{}"
    )
    # Days to pay by payment method code, name or NAV method (None: 8 for transfer, else 0).
    payment_due_days: Mapped[dict[str, int] | None] = mapped_column(Json, nullable=True)
    # Write-back of documents onto the shop's orders (orderInvoices; needs PUBLIC_BASE_URL),
    # and the status set after an invoice's write-back (None: the status is left alone).
    writeback_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    writeback_status_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
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
