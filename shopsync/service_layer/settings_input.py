"""Settings typed by an operator (connection settings, supplier data): checked in one way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def parsed_changes(
    model: type[M], changes: dict[str, Any], refused: Callable[[str], Exception]
) -> dict[str, Any]:
    """The changes the model accepts, as given (unset fields left out); else `refused(...)` is
    raised with every problem in one line: "orders_stock_on: Input should be …; …"."""
    try:
        parsed = model.model_validate(changes)
    except ValidationError as exc:
        raise refused(_problems(exc)) from exc
    return parsed.model_dump(exclude_unset=True)


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
