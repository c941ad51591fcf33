"""NAV reporting leases: which nav-reporter works on an account, until when

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nav_credentials") as table:
        table.add_column(sa.Column("lease_holder", sa.String(length=100), nullable=True))
        table.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nav_credentials") as table:
        table.drop_column("lease_until")
        table.drop_column("lease_holder")
