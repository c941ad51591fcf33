"""Bulk inserts (binary COPY on PostgreSQL from COPY_MIN_ROWS rows, executemany otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.bulk import COPY_MIN_ROWS, insert_returning_ids, insert_rows
from shopsync.adapters.db.models import Document, DocumentLine
from shopsync.adapters.secrets import CredentialCipher
from tests.support import shop_connection, unique

pytestmark = pytest.mark.integration


def document(connection_id: int, account_id: int, order_ref: str) -> dict[str, object]:
    return {
        "account_id": account_id,
        "connection_id": connection_id,
        "order_ref": order_ref,
        "kind": "invoice",
        "series": "SZ",
        "buyer_name": "Kovács Ödön",
        "buyer_address": {"city": "Győr", "postcode": "9021"},
        "currency": "HUF",
        "total_net": Decimal("1000.0000"),
        "total_vat": Decimal("270.0000"),
        "total_gross": Decimal("1270.0000"),
        "issued_at": datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
    }


async def test_ids_come_back_in_row_order_and_python_defaults_are_applied(
    sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    table = cast(Table, Document.__table__)
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("bulk-"))
        rows = [document(connection.id, connection.account_id, f"o{n}") for n in range(300)]
        ids = await insert_returning_ids(session, table, rows)
        await insert_rows(
            session,
            cast(Table, DocumentLine.__table__),
            [
                {
                    "document_id": ids[0],
                    "position": position,
                    "line_kind": "product",
                    "name": "Tulipán ő/ű",
                    "quantity": Decimal("2.500"),
                    "unit_net_price": Decimal("400.0000"),
                    "vat_rate": Decimal("27.0000"),
                    "net": Decimal("1000.0000"),
                    "vat": Decimal("270.0000"),
                    "gross": Decimal("1270.0000"),
                }
                for position in range(1, COPY_MIN_ROWS + 1)
            ],
        )
        await session.commit()
    assert len(set(ids)) == 300
    async with sessions() as session:
        stored = {
            d.id: d
            for d in (await session.scalars(select(Document).where(Document.id.in_(ids)))).all()
        }
        lines = (
            await session.scalars(select(DocumentLine).where(DocumentLine.document_id == ids[0]))
        ).all()
    assert [stored[i].order_ref for i in ids] == [f"o{n}" for n in range(300)]
    first = stored[ids[0]]
    assert first.buyer_address == {"city": "Győr", "postcode": "9021"}
    assert first.total_gross == Decimal("1270")
    assert first.issued_at == datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    # Declared in Python, not in the database: filled in by the bulk writer.
    assert first.email_status == "not_requested"
    assert first.draft is False
    assert first.created_at is not None and first.created_at.tzinfo is not None
    assert len(lines) == COPY_MIN_ROWS
    assert {(line.sku, line.unit, line.quantity) for line in lines} == {("", "db", Decimal("2.5"))}
    assert {line.name for line in lines} == {"Tulipán ő/ű"}


@pytest.mark.parametrize("size", [1, COPY_MIN_ROWS])
async def test_a_naive_time_is_refused(
    size: int, sessions: async_sessionmaker[AsyncSession], cipher: CredentialCipher
) -> None:
    table = cast(Table, Document.__table__)
    async with sessions() as session:
        connection = await shop_connection(session, cipher, unique("bulk-"))
        rows = [document(connection.id, connection.account_id, f"n{n}") for n in range(size)]
        rows[-1]["issued_at"] = datetime(2026, 11, 27, 8, 30)
        with pytest.raises(Exception, match="naive datetime"):
            await insert_returning_ids(session, table, rows)
