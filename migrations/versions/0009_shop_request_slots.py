"""One request budget per shop across processes: each shop's next free request slot

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_request_slots",
        sa.Column("shop", sa.String(length=300), nullable=False),
        sa.Column("next_slot", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("shop", name=op.f("pk_shop_request_slots")),
    )


def downgrade() -> None:
    op.drop_table("shop_request_slots")
