"""The ports the use cases talk through: small Protocols the adapters and the test fakes fill.

A use case never opens a database session or an HTTP connection itself: it is handed a
unit of work (one transaction, rolled back unless committed) whose repositories say in the
domain's words what is read and written. `tests/fakes.py` holds the in-memory twins.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, Self

from shopsync.adapters.db.order_store import Catalog, Hold, OrderKey, ShopIntake
from shopsync.adapters.db.order_writer import Applied, Planned
from shopsync.adapters.store_errors import Conflict, Outage
from shopsync.domain.order_state import OrderState

__all__ = [
    "Applied",
    "Catalog",
    "Conflict",
    "Hold",
    "OrderKey",
    "OrderStore",
    "OrderUnitOfWork",
    "Outage",
    "Planned",
    "ShopIntake",
]


class OrderStore(Protocol):
    """What the order lifecycle reads and writes, in the unit of work's transaction."""

    async def intakes(self, connection_ids: set[int]) -> dict[int, ShopIntake]: ...

    async def claim(self, consumer: str, event_ids: set[str]) -> set[str]:
        """Mark these events handled by `consumer`; the ids that were not marked before."""
        ...

    async def states(self, keys: set[OrderKey]) -> dict[OrderKey, OrderState]:
        """The stored states of these orders, locked until the transaction ends."""
        ...

    async def catalogs(self, skus: Iterable[tuple[int, str]]) -> dict[int, Catalog]:
        """Product ids by account and SKU, for the (account, SKU) pairs asked about."""
        ...

    async def apply(self, planned: list[Planned]) -> list[Applied]:
        """Carry out decisions: documents, numbers, stock, outbox records; one result each."""
        ...

    async def hold(self, holds: list[Hold]) -> None: ...

    async def save_states(
        self, states: dict[OrderKey, OrderState], stored: Iterable[OrderKey]
    ) -> None:
        """Write changed states; `stored` are the orders whose state exists already."""
        ...


class OrderUnitOfWork(Protocol):
    """`async with uow:` one transaction; Outage or Conflict raised for the store's failures."""

    @property
    def orders(self) -> OrderStore: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
