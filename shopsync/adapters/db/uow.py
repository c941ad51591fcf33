"""Unit of work: one transaction with its stores; rolled back unless committed.

Events go to the outbox in the same transaction. The order path's unit of work also says how
the database failed, in the use case's words: `Outage` (the database is down, the work waits)
or `Conflict` (another worker was busy with the same rows, trying again resolves it).
Anything else is the event's own fault and passes unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.catalog_store import SqlAlchemyCatalogStore
from shopsync.adapters.db.failures import is_conflict, is_outage
from shopsync.adapters.db.models import OutboxMessage
from shopsync.adapters.db.order_store import SqlAlchemyOrderStore
from shopsync.adapters.db.outbox_records import Outgoing
from shopsync.adapters.db.stock_store import SqlAlchemyStockStore
from shopsync.adapters.store_errors import Conflict, Outage


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session; leaving without `commit()` rolls back."""

    #: Say database failures as Outage or Conflict (the order path decides by them).
    translates_failures = False

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The transaction's session, for adapters (use cases go through the stores)."""
        assert self._session is not None, "use the unit of work inside `async with`"
        return self._session

    @property
    def orders(self) -> SqlAlchemyOrderStore:
        return SqlAlchemyOrderStore(self.session)

    @property
    def stock(self) -> SqlAlchemyStockStore:
        return SqlAlchemyStockStore(self.session, self.emit)

    @property
    def catalog(self) -> SqlAlchemyCatalogStore:
        return SqlAlchemyCatalogStore(self.session, self.emit)

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._end()
        except Exception as failed:
            self._translated(failed)
            raise
        if isinstance(exc, Exception):
            self._translated(exc)

    async def _end(self) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    def _translated(self, exc: Exception) -> None:
        """Raise Outage or Conflict for a database failure of that kind; return otherwise."""
        if not self.translates_failures:
            return
        said = f"{type(exc).__name__}: {exc}"
        if is_outage(exc):
            raise Outage(said[:500]) from exc
        if is_conflict(exc):
            raise Conflict(said[:2000]) from exc

    def emit(self, record: Outgoing) -> None:
        """Queue a record in the outbox, in this transaction."""
        self.session.add(
            OutboxMessage(topic=record.topic, key=record.key, payload=record.payload.decode())
        )

    async def commit(self) -> None:
        await self.session.commit()


class SqlAlchemyOrderUnitOfWork(SqlAlchemyUnitOfWork):
    """The order path's unit of work: database failures said as Outage or Conflict."""

    translates_failures = True


def order_units(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[[], SqlAlchemyOrderUnitOfWork]:
    """A new order unit of work on these sessions, each time it is called."""
    return lambda: SqlAlchemyOrderUnitOfWork(sessions)
