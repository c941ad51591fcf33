"""The order lifecycle's store in SQL: its reads and writes, and a unit of work that owns it.

The unit of work also says how the database failed, in the use case's words: `Outage` (the
database is down, the work waits) or `Conflict` (another worker was busy with the same rows,
trying again resolves it). Anything else is the event's own fault and passes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.bulk import custom_plans
from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.failures import is_conflict, is_outage
from shopsync.adapters.db.held_orders import held_row, keep_held
from shopsync.adapters.db.order_reads import claim_events, connections_by_id, products_by_sku
from shopsync.adapters.db.order_states import load_states, save_states
from shopsync.adapters.db.order_writer import Applied, OrderDecisionWriter, Planned
from shopsync.adapters.db.uow import SqlAlchemyUnitOfWork
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.adapters.store_errors import Conflict, Outage
from shopsync.domain.order_reading import OrderRejected
from shopsync.domain.order_rules import OrderRules
from shopsync.domain.order_state import OrderState

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


class SqlAlchemyOrderStore:
    """Reads planned for their actual keys (see `custom_plans`), writes in bulk."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def intakes(self, connection_ids: set[int]) -> dict[int, ShopIntake]:
        found = await connections_by_id(self._session, connection_ids)
        return {c.id: ShopIntake(c.id, c.account_id, rules_of(c)) for c in found.values()}

    async def claim(self, consumer: str, event_ids: set[str]) -> set[str]:
        return await claim_events(self._session, consumer, event_ids)

    async def states(self, keys: set[OrderKey]) -> dict[OrderKey, OrderState]:
        async with custom_plans(self._session):
            return await load_states(self._session, keys)

    async def catalogs(self, skus: Iterable[tuple[int, str]]) -> dict[int, Catalog]:
        async with custom_plans(self._session):
            return await products_by_sku(self._session, skus)

    async def apply(self, planned: list[Planned]) -> list[Applied]:
        writer = OrderDecisionWriter(self._session)
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


class SqlAlchemyOrderUnitOfWork(SqlAlchemyUnitOfWork):
    """A unit of work with the order store; database failures said as Outage or Conflict."""

    orders: SqlAlchemyOrderStore

    async def __aenter__(self) -> SqlAlchemyOrderUnitOfWork:
        await super().__aenter__()
        self.orders = SqlAlchemyOrderStore(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        except Exception as failed:
            _raise_translated(failed)
            raise
        if isinstance(exc, Exception):
            _raise_translated(exc)


def order_units(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[[], SqlAlchemyOrderUnitOfWork]:
    """A new order unit of work on these sessions, each time it is called."""
    return lambda: SqlAlchemyOrderUnitOfWork(sessions)


def _raise_translated(exc: Exception) -> None:
    """Raise Outage or Conflict for a database failure of that kind; return otherwise."""
    said = f"{type(exc).__name__}: {exc}"
    if is_outage(exc):
        raise Outage(said[:500]) from exc
    if is_conflict(exc):
        raise Conflict(said[:2000]) from exc
