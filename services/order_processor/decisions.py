"""Which document an order status asks for, from the connection's order-intake settings."""

from __future__ import annotations

from dataclasses import dataclass

from shopsync.domain.documents import DocumentKind


@dataclass(frozen=True)
class IntakeRules:
    auto_accept: bool
    status_rules: dict[str, str]
    default_kind: str


def kind_for_status(rules: IntakeRules, status_id: str) -> DocumentKind | None:
    """The kind to issue for this status, or None when the status asks for nothing."""
    if not rules.auto_accept:
        return None
    if rules.status_rules:
        kind = rules.status_rules.get(status_id)
        return DocumentKind(kind) if kind in ("invoice", "proforma") else None
    return DocumentKind(rules.default_kind)
