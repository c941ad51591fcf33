"""The use case "an operator finalizes a draft": through the order lifecycle, like any event."""

from __future__ import annotations

from datetime import UTC, datetime

from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.models import Document, ShopConnection
from shopsync.adapters.db.order_states import load_states, save_states
from shopsync.adapters.db.order_writer import OrderDecisionWriter, Planned
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_actions import Result
from shopsync.domain.order_lifecycle import FinalizeRequested, decide
from shopsync.domain.order_state import DocumentRef, OrderState


class DocumentError(Exception):
    """A document operation that cannot be done; the message says why."""


async def finalize(uow: SqlAlchemyUnitOfWork, document_id: int) -> Document:
    """Give a draft its number; from then on it is final (and e-mailed if so configured)."""
    session = uow.session
    document = await session.get(Document, document_id)
    if document is None:
        raise DocumentError(f"no document {document_id}")
    if not document.draft:
        raise DocumentError(f"document {document_id} is already final ({document.document_number})")
    connection = await session.get(ShopConnection, document.connection_id)
    assert connection is not None
    key = (connection.id, document.order_ref)
    stored = await load_states(session, [key])
    ref = DocumentRef(DocumentKind(document.kind), document.generation)
    request = FinalizeRequested(ref, datetime.now(UTC))
    decision = decide(stored.get(key, OrderState()), rules_of(connection), request)
    if decision.result is Result.REFUSED:
        raise DocumentError(f"document {document_id} cannot be finalized: {decision.note}")
    planned = [Planned(connection.account_id, connection.id, document.order_ref, decision)]
    writer = OrderDecisionWriter(session)
    await writer.prepare(planned)
    await writer.write(planned)
    await save_states(session, {key: decision.state}, stored)
    await session.refresh(document)
    return document
