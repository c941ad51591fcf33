"""catalog sync state and product links

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_sync_state",
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("full_done", sa.Boolean(), nullable=False),
        sa.Column("next_page", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("cycle_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_after", sa.String(length=30), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["shop_connections.id"],
                                name=op.f("fk_catalog_sync_state_connection_id_shop_connections")),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_catalog_sync_state")),
    )
    op.create_table(
        "product_links",
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("remote_id", sa.String(length=200), nullable=False),
        sa.Column("downloaded_hash", sa.String(length=64), nullable=True),
        sa.Column("uploaded_hash", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["shop_connections.id"],
                                name=op.f("fk_product_links_connection_id_shop_connections")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_product_links_product_id_products")),
        sa.PrimaryKeyConstraint("connection_id", "product_id", name=op.f("pk_product_links")),
    )


def downgrade() -> None:
    op.drop_table("product_links")
    op.drop_table("catalog_sync_state")
