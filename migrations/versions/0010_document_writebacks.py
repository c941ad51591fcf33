"""Write-back of documents to Shoprenter: each document's state, and the connection's switch

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("writeback_enabled", sa.Boolean(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("writeback_status_id", sa.String(length=20), nullable=True))
    op.create_table(
        "document_writebacks",
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("connection_id", BIG_ID, nullable=False),
        sa.Column("order_ref", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("row_id", sa.String(length=200), nullable=True),
        sa.Column("withdraw", sa.Boolean(), nullable=False),
        sa.Column("status_set", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_document_writebacks_connection_id_shop_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_writebacks_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_writebacks")),
    )
    op.create_index(
        "ix_document_writebacks_due",
        "document_writebacks",
        ["connection_id", "state", "next_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_document_writebacks_due", table_name="document_writebacks")
    op.drop_table("document_writebacks")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("writeback_status_id")
        batch_op.drop_column("writeback_enabled")
