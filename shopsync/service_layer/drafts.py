"""The use case "an operator finalizes a draft": through the order lifecycle, like any event."""

from __future__ import annotations

from datetime import UTC, datetime

from shopsync.domain.order_actions import Result
from shopsync.domain.order_lifecycle import FinalizeRequested, decide
from shopsync.domain.order_state import OrderState
from shopsync.service_layer.ports import Planned, StoredDocument, UnitOfWork


class DocumentError(Exception):
    """A document operation that cannot be done; the message says why."""


async def finalize(uow: UnitOfWork, document_id: int) -> str:
    """Give a draft its number; from then on it is final (and e-mailed if so configured).

    Returns the document number it was given.
    """
    draft = await _draft(uow, document_id)
    intake = (await uow.orders.intakes({draft.connection_id}))[draft.connection_id]
    key = (intake.connection_id, draft.order_ref)
    stored = await uow.orders.states({key})
    request = FinalizeRequested(draft.ref, datetime.now(UTC))
    decision = decide(stored.get(key, OrderState()), intake.rules, request)
    if decision.result is Result.REFUSED:
        raise DocumentError(f"document {document_id} cannot be finalized: {decision.note}")
    await uow.orders.apply([Planned(intake.account_id, *key, decision)])
    await uow.orders.save_states({key: decision.state}, stored)
    final = await uow.orders.document(document_id)
    assert final is not None and final.number is not None
    return final.number


async def _draft(uow: UnitOfWork, document_id: int) -> StoredDocument:
    document = await uow.orders.document(document_id)
    if document is None:
        raise DocumentError(f"no document {document_id}")
    if not document.draft:
        raise DocumentError(f"document {document_id} is already final ({document.number})")
    return document
