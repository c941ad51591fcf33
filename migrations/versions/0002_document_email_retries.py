"""document e-mail retries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("email_next_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_documents_email_due", ["email_status", "email_next_at"])


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_email_due")
        batch_op.drop_column("email_next_at")
        batch_op.drop_column("email_attempts")
