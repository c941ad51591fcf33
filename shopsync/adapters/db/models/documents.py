"""Issued documents, their lines, numbering series and the exchange rates they use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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
    # HUF per unit the document was issued with (MNB's rate valid on its day); None: HUF, a
    # draft, or a document from before rates were kept on it (the rates table tells then).
    exchange_rate: Mapped[Decimal | None] = mapped_column(
        Numeric(20, 6, asdecimal=True), nullable=True
    )
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


class ExchangeRate(Base):
    """HUF value of one unit of a currency on a day (MNB or bank rate, as the account uses)."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate_date: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(20, 6, asdecimal=True))
    source: Mapped[str] = mapped_column(String(50), default="manual")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
