"""Order reconciliation by polling: each connection's mark and its interval

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("orders_reconcile_interval_s", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("orders_reconcile_from", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "order_reconcile_marks",
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reconciled_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pass_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_page", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_order_reconcile_marks_connection_id_shop_connections"),
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_order_reconcile_marks")),
    )


def downgrade() -> None:
    op.drop_table("order_reconcile_marks")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("orders_reconcile_from")
        batch_op.drop_column("orders_reconcile_interval_s")
