"""NAV export: payment method on documents, NAV settings per connection, exchange rates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payment_method", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "payment_method_code", sa.String(length=50), server_default="", nullable=False
            )
        )
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nav_customer_vat_status", sa.String(length=20), nullable=True)
        )
        batch_op.add_column(sa.Column("nav_zero_vat_case", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("nav_payment_methods", sa.JSON(), server_default="{}", nullable=False)
        )
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("currency", "rate_date", name=op.f("pk_exchange_rates")),
    )


def downgrade() -> None:
    op.drop_table("exchange_rates")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("nav_payment_methods")
        batch_op.drop_column("nav_zero_vat_case")
        batch_op.drop_column("nav_customer_vat_status")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("payment_method_code")
        batch_op.drop_column("payment_method")
