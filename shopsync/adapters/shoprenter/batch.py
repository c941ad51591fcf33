"""Shoprenter's Batch API: sub-requests out, one status and body per sub-request back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BATCH_LIMIT = 200


@dataclass(frozen=True)
class BatchRequest:
    method: str
    uri: str  # absolute, or a path that the client prefixes with the shop's base URL
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class BatchResult:
    request: BatchRequest
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason(self) -> str:
        if isinstance(self.body, dict):
            return str(self.body.get("message") or self.body.get("error") or self.body)
        return str(self.body)


def batch_results(chunk: Sequence[BatchRequest], answer: Any) -> list[BatchResult]:
    """The result of each sub-request, in order; a missing or odd entry gives status 0."""
    listed = _entries(answer)
    return [
        _result(request, listed[position] if position < len(listed) else {})
        for position, request in enumerate(chunk)
    ]


def ids_by_sku(skus: Sequence[str], results: Sequence[BatchResult]) -> dict[str, str]:
    """Product ids of `?sku=` look-ups, keeping only items whose SKU matches exactly."""
    found: dict[str, str] = {}
    for sku, result in zip(skus, results, strict=True):
        body = result.body if result.ok and isinstance(result.body, dict) else {}
        for item in body.get("items") or []:
            if isinstance(item, dict) and item.get("sku") == sku:
                found[sku] = str(item.get("id"))
    return found


def _entries(answer: Any) -> list[Any]:
    entries = answer.get("requests", {}) if isinstance(answer, dict) else {}
    listed = entries.get("request", []) if isinstance(entries, dict) else entries
    return listed if isinstance(listed, list) else [listed]


def _result(request: BatchRequest, entry: Any) -> BatchResult:
    response = entry.get("response", {}) if isinstance(entry, dict) else {}
    header = response.get("header", {}) if isinstance(response, dict) else {}
    try:
        status = int(header.get("statusCode", 0))
    except (TypeError, ValueError):
        status = 0
    return BatchResult(request, status, response.get("body"))
