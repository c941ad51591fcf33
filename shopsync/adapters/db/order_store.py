"""The order lifecycle's store in SQL: what a batch of order events reads and writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.bulk import custom_plans
from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.held_orders import held_row, keep_held
from shopsync.adapters.db.models import Document
from shopsync.adapters.db.order_reads import claim_events, connections_by_id, products_by_sku
from shopsync.adapters.db.order_states import load_states, save_states
from shopsync.adapters.db.order_writer import Applied, OrderDecisionWriter, Planned
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_reading import OrderRejected
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import DocumentRef, OrderState

OrderKey = tuple[int, str]  # (connection id, order ref)
Catalog = dict[str, int]  # product id by SKU, one account's


@dataclass(frozen=True)
class ShopIntake:
    """What an order event needs of its connection: whose it is and its order rules."""

    connection_id: int
    account_id: int
    rules: OrderRules


@dataclass(frozen=True)
class Hold:
    """An event held for review: its order could not be read or decided as it is."""

    connection_id: int
    event: OrderReceived
    why: OrderRejected


@dataclass(frozen=True)
class StoredDocument:
    """A document as the order lifecycle knows it: whose, which of the order's, how far."""

    id: int
    connection_id: int
    order_ref: str
    ref: DocumentRef
    draft: bool
    number: str | None  # its document number once final


class SqlAlchemyOrderStore:
    """Reads planned for their actual keys (see `custom_plans`), writes in bulk."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def intakes(self, connection_ids: set[int]) -> dict[int, ShopIntake]:
        found = await connections_by_id(self._session, connection_ids)
        return {c.id: ShopIntake(c.id, c.account_id, rules_of(c)) for c in found.values()}

    async def document(self, document_id: int) -> StoredDocument | None:
        found = await self._session.get(Document, document_id, populate_existing=True)
        if found is None:
            return None
        ref = DocumentRef(DocumentKind(found.kind), found.generation)
        return StoredDocument(
            found.id, found.connection_id, found.order_ref, ref, found.draft, found.document_number
        )

    async def claim(self, consumer: str, event_ids: set[str]) -> set[str]:
        return await claim_events(self._session, consumer, event_ids)

    async def states(self, keys: set[OrderKey]) -> dict[OrderKey, OrderState]:
        async with custom_plans(self._session):
            return await load_states(self._session, keys)

    async def catalogs(self, skus: Iterable[tuple[int, str]]) -> dict[int, Catalog]:
        async with custom_plans(self._session):
            return await products_by_sku(self._session, skus)

    async def apply(self, planned: list[Planned], now: datetime | None = None) -> list[Applied]:
        writer = OrderDecisionWriter(self._session)
        if now is not None:
            writer.now = now
        async with custom_plans(self._session):
            await writer.prepare(planned)
        return await writer.write(planned)

    async def hold(self, holds: list[Hold]) -> None:
        rows = [held_row(h.connection_id, h.event, h.why) for h in holds]
        await keep_held(self._session, rows)

    async def save_states(
        self, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
    ) -> None:
        await save_states(self._session, states, stored)
