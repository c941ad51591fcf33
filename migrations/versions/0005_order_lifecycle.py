"""Order lifecycle: one state per shop order, document generations and statuses, safe defaults

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 21:00:00

Existing orders get their state from the documents they already have: an invoice with a
storno is stornoed, a proforma an invoice followed is settled (a draft one voided), and the
stock the order holds is what its documents' movements took and did not return.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_states",
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("order_ref", sa.String(length=100), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["shop_connections.id"],
            name=op.f("fk_order_states_connection_id_shop_connections"),
        ),
        sa.PrimaryKeyConstraint("connection_id", "order_ref", name=op.f("pk_order_states")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="live", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "follows_document_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_follows_document_id_documents"),
            "documents",
            ["follows_document_id"],
            ["id"],
        )
        batch_op.drop_constraint("uq_documents_connection_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_connection_id"),
            ["connection_id", "order_ref", "kind", "generation"],
        )
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "orders_stock_on", sa.String(length=20), server_default="invoice", nullable=False
            )
        )
        batch_op.alter_column(
            "orders_default_kind", existing_type=sa.String(length=20), nullable=True
        )
        batch_op.add_column(
            sa.Column("stock_enabled", sa.Boolean(), server_default="0", nullable=False)
        )
    op.execute("UPDATE shop_connections SET stock_enabled = (stock_mode <> 'off')")
    _backfill(op.get_bind())


def downgrade() -> None:
    op.execute(
        "UPDATE shop_connections SET orders_default_kind = 'invoice' "
        "WHERE orders_default_kind IS NULL"
    )
    op.execute("UPDATE shop_connections SET stock_mode = 'off' WHERE NOT stock_enabled")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("stock_enabled")
        batch_op.alter_column(
            "orders_default_kind", existing_type=sa.String(length=20), nullable=False
        )
        batch_op.drop_column("orders_stock_on")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_connection_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_documents_connection_id"), ["connection_id", "order_ref", "kind"]
        )
        batch_op.drop_constraint("fk_documents_follows_document_id_documents", type_="foreignkey")
        batch_op.drop_column("follows_document_id")
        batch_op.drop_column("status")
        batch_op.drop_column("generation")
    op.drop_table("order_states")


def _backfill(bind: sa.engine.Connection) -> None:
    documents = bind.execute(
        sa.text(
            "SELECT id, account_id, connection_id, order_ref, kind, draft, order_status, "
            "references_document_id FROM documents ORDER BY id"
        )
    ).all()
    if not documents:
        return
    held = _held_stock(bind)
    orders: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in documents:
        orders[(row.connection_id, row.order_ref)].append(row)
    now = datetime.now(UTC)
    for (connection_id, order_ref), rows in orders.items():
        state, statuses = _state_of(rows, held)
        for document_id, status in statuses.items():
            if status != "live":
                bind.execute(
                    sa.text("UPDATE documents SET status = :s WHERE id = :i"),
                    {"s": status, "i": document_id},
                )
        _link_invoice_to_proforma(bind, rows, statuses)
        bind.execute(
            sa.text(
                "INSERT INTO order_states (connection_id, order_ref, state, updated_at) "
                "VALUES (:c, :o, :j, :u)"
            ),
            {"c": connection_id, "o": order_ref, "j": json.dumps(state), "u": now},
        )


def _link_invoice_to_proforma(
    bind: sa.engine.Connection, rows: list[Any], statuses: dict[int, str]
) -> None:
    proforma = next((r.id for r in rows if statuses[r.id] == "settled"), None)
    invoice = next((r.id for r in rows if r.kind == "invoice"), None)
    if proforma is not None and invoice is not None:
        bind.execute(
            sa.text("UPDATE documents SET follows_document_id = :p WHERE id = :i"),
            {"p": proforma, "i": invoice},
        )


def _held_stock(bind: sa.engine.Connection) -> dict[int, list[tuple[int, int, str, Decimal]]]:
    movements = bind.execute(
        sa.text(
            "SELECT m.document_id, m.warehouse_id, m.product_id, p.sku, m.quantity "
            "FROM stock_movements m JOIN products p ON p.id = m.product_id "
            "WHERE m.document_id IS NOT NULL"
        )
    ).all()
    by_document: dict[int, list[tuple[int, int, str, Decimal]]] = defaultdict(list)
    for m in movements:
        by_document[m.document_id].append(
            (m.warehouse_id, m.product_id, m.sku, Decimal(m.quantity))
        )
    return by_document


def _state_of(
    rows: list[Any], held: dict[int, list[tuple[int, int, str, Decimal]]]
) -> tuple[dict[str, Any], dict[int, str]]:
    stornoed = {r.references_document_id for r in rows if r.kind == "storno"}
    invoiced = any(r.kind == "invoice" for r in rows)
    settled = any(r.kind == "proforma" and not r.draft for r in rows) and invoiced
    statuses: dict[int, str] = {}
    documents = []
    for r in rows:
        status = "live"
        if r.kind == "invoice" and r.id in stornoed:
            status = "stornoed"
        elif r.kind == "proforma" and invoiced:
            status = "voided" if r.draft else "settled"
        statuses[r.id] = status
        follows = ["proforma", 1] if r.kind == "invoice" and settled else None
        documents.append(
            {"ref": [r.kind, 1], "draft": bool(r.draft), "status": status, "follows": follows}
        )
    stock: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        for warehouse_id, product_id, sku, quantity in held.get(r.id, []):
            stock[(warehouse_id, product_id, sku)] -= quantity
    # The format of shopsync.adapters.db.order_states at this revision.
    state = {
        "documents": documents,
        "stock": [[[w, p, s], str(q)] for (w, p, s), q in sorted(stock.items()) if q],
        "last_status_id": rows[-1].order_status,
        "last_status_at": None,
        "history": [
            [rows[-1].order_status, None, "migrated", "state rebuilt from the order's documents"]
        ],
    }
    return state, statuses
