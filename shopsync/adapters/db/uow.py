"""Unit of work: one transaction; rolled back unless committed; events go to the outbox."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.models import OutboxMessage
from shopsync.adapters.db.outbox_records import Outgoing


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session; leaving without `commit()` rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "use the unit of work inside `async with`"
        return self._session

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        self._session = self._sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    def emit(self, record: Outgoing) -> None:
        """Queue a record in the outbox, in this transaction."""
        self.session.add(
            OutboxMessage(topic=record.topic, key=record.key, payload=record.payload.decode())
        )

    async def commit(self) -> None:
        await self.session.commit()
