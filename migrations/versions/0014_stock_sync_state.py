"""Stock sync state: each connection's SKUs still owed and its last stock cycle, for people

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stock_sync_state",
        sa.Column("connection_id", BIG_ID, nullable=False),
        sa.Column("owed_skus", sa.Integer(), nullable=False),
        sa.Column("push_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_error", sa.Text(), nullable=True),
        sa.Column("cycle_kind", sa.String(length=20), nullable=True),
        sa.Column("cycle_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cycle_seconds", sa.Float(), nullable=True),
        sa.Column("cycle_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_stock_sync_state_connection_id_shop_connections"),
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_stock_sync_state")),
    )


def downgrade() -> None:
    op.drop_table("stock_sync_state")
