"""Console sessions kept server-side (logout revokes), login failures kept across restarts, and
a history of sync cycles (the charts' durations over days)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column(
            "operator_id",
            BIG_ID,
            sa.ForeignKey("operators.id", name=op.f("fk_console_sessions_operator_id_operators")),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_console_sessions")),
    )
    op.create_index("ix_console_sessions_operator", "console_sessions", ["operator_id"])
    op.create_index("ix_console_sessions_expires", "console_sessions", ["expires_at"])
    op.create_table(
        "login_failures",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])  # pruning
    op.create_table(
        "sync_runs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column(
            "connection_id",
            BIG_ID,
            sa.ForeignKey(
                "shop_connections.id", name=op.f("fk_sync_runs_connection_id_shop_connections")
            ),
            nullable=False,
        ),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_index("ix_sync_runs_connection_at", "sync_runs", ["connection_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_sync_runs_connection_at", table_name="sync_runs")
    op.drop_table("sync_runs")
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_console_sessions_expires", table_name="console_sessions")
    op.drop_index("ix_console_sessions_operator", table_name="console_sessions")
    op.drop_table("console_sessions")
