"""What the console's pages show, made as the services make it: an invoice issued by the
order intake whose NAV report the reporter's store finished as aborted, stock sync's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet

from shopsync.adapters.db.models import Account, Document
from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.db.stock_sync_marks import SqlAlchemyStockSyncMarks
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_report_rules import Finished, NewReport, ReportState
from shopsync.domain.nav_reporting import ValidationMessage
from tests.integration.test_nav_export import configure, connection, issue, sample
from tests.support import unique

MISMATCH = ValidationMessage(
    "business", "ERROR", "SUPPLIER_TAX_NUMBER_MISMATCH", "the supplier's tax number is not ours"
)


@dataclass(frozen=True)
class Issued:
    """A connection (named "s", in an account of its own) and its invoice."""

    connection_id: int
    account: str
    document_id: int
    number: str


async def invoice(sessions: Any) -> Issued:
    """A connection with intake on and one invoice, issued by the order intake."""
    cipher = CredentialCipher(Fernet.generate_key())
    rules = {"orders_status_rules": {"2": "invoice"}, "orders_cancel_status_ids": ["7"]}
    cid, aid = await connection(sessions, cipher, **rules)
    await configure(sessions, aid, cid)
    document_id = await issue(sessions, cid, aid, sample(unique("o"), "2"))
    async with sessions() as db:
        account = await db.get(Account, aid)
        document = await db.get(Document, document_id)
        assert account is not None and document is not None
        return Issued(cid, account.name, document_id, str(document.document_number))


async def nav_aborted(sessions: Any, issued: Issued) -> None:
    """The invoice's report, kept and then aborted by NAV with its message."""
    async with sessions() as db:
        document = await db.get(Document, issued.document_id)
        assert document is not None and document.issued_at is not None
        new = NewReport(
            document.id, document.account_id, "CREATE", issued.number, document.issued_at
        )
    store = SqlAlchemyNavReportStore(sessions)
    await store.record([new])
    await store.finished([Finished(issued.document_id, ReportState.ABORTED, (MISMATCH,))])


async def stock_failing(sessions: Any, connection_id: int, owed: int) -> None:
    """Stock sync's state after a failed push and a failed reconcile of the connection."""
    marks = SqlAlchemyStockSyncMarks(sessions)
    await marks.pushed(connection_id, owed, "shop answered 503")
    await marks.cycled(connection_id, "reconcile", 1.25, "shop answered 503")
