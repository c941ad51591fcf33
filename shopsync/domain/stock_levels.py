"""A stock level set to a quantity: the difference is what a movement records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LevelChange:
    """One product's level in one warehouse set to `quantity`; `current` None: no level yet."""

    account_id: int
    warehouse_id: int
    product_id: int
    sku: str
    current: Decimal | None
    quantity: Decimal

    @property
    def delta(self) -> Decimal:
        return self.quantity - (self.current or Decimal(0))


@dataclass(frozen=True)
class DownloadTarget:
    """A connection's stock download: the warehouse the shop's stock field is written to."""

    account_id: int
    warehouse_id: int
    stock_field: str  # the shop's product field that holds the stock
    note: str  # what the movements say of where they came from


def moving(changes: list[LevelChange]) -> list[LevelChange]:
    """The changes that move stock: a level already at its quantity records nothing."""
    return [c for c in changes if c.delta]
