"""Dead letters kept in the database (they survive a restart of the in-memory broker);
orders held for review; VAT rates a connection accepts besides the Hungarian ones

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=300), nullable=False),
        sa.Column("consumer", sa.String(length=50), nullable=False),
        sa.Column("source_topic", sa.String(length=200), nullable=False),
        sa.Column("source_partition", sa.Integer(), nullable=False),
        sa.Column("source_offset", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        sa.UniqueConstraint("event_id", name=op.f("uq_dead_letters_event_id")),
    )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index("ix_dead_letters_consumer", ["consumer", "replayed_at"], unique=False)
    op.create_table(
        "held_orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_ref", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("status_id", sa.String(length=50), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_held_orders_connection_id_shop_connections"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_orders")),
        sa.UniqueConstraint("event_id", name=op.f("uq_held_orders_event_id")),
    )
    with op.batch_alter_table("held_orders", schema=None) as batch_op:
        batch_op.create_index("ix_held_orders_open", ["connection_id", "released_at"], unique=False)
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("orders_extra_vat_rates", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("orders_extra_vat_rates")
    with op.batch_alter_table("held_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_held_orders_open")
    op.drop_table("held_orders")
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index("ix_dead_letters_consumer")
    op.drop_table("dead_letters")
