"""Settings typed by an operator (connection settings, supplier data): checked in one way."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def parsed_changes(model: type[M], changes: dict[str, Any]) -> dict[str, Any] | str:
    """The changes the model accepts, as given (unset fields left out), or every problem in one
    line: "orders_stock_on: Input should be 'invoice' or 'first_document'; …"."""
    try:
        parsed = model.model_validate(changes)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return parsed.model_dump(exclude_unset=True)
