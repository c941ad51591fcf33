"""NAV reporting: each account's technical user (encrypted) and each document's report state

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _times() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "nav_credentials",
        sa.Column("account_id", BIG_ID, nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("tax_number", sa.String(length=8), nullable=False),
        sa.Column("password_encrypted", sa.Text(), nullable=False),
        sa.Column("signing_key_encrypted", sa.Text(), nullable=False),
        sa.Column("exchange_key_encrypted", sa.Text(), nullable=False),
        sa.Column("reporting_from", sa.DateTime(timezone=True), nullable=False),
        *_times(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_nav_credentials_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_nav_credentials")),
    )
    op.create_table(
        "nav_reports",
        sa.Column("document_id", BIG_ID, nullable=False),
        sa.Column("account_id", BIG_ID, nullable=False),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("invoice_document_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("transaction_id", sa.String(length=30), nullable=True),
        sa.Column("batch_index", sa.Integer(), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *_times(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_nav_reports_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_nav_reports_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_nav_reports")),
    )
    op.create_index(
        "ix_nav_reports_account_state", "nav_reports", ["account_id", "state"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_nav_reports_account_state", table_name="nav_reports")
    op.drop_table("nav_reports")
    op.drop_table("nav_credentials")
