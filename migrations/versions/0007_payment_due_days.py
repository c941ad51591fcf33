"""Days to pay by payment method, per connection: the due date printed on a document's PDF

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_due_days", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("payment_due_days")
