"""Each document keeps the exchange rate it was issued with (MNB's rate valid on its day)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "documents",
        sa.Column(
            "exchange_rate", sa.Numeric(precision=20, scale=6, asdecimal=True), nullable=True
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("exchange_rate")
