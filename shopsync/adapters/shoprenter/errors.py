"""Typed Shoprenter errors; messages name the shop, never a secret."""

from __future__ import annotations


class ShoprenterError(Exception):
    """A request to one shop failed."""

    def __init__(
        self, shop: str, message: str, status: int | None = None, inner_code: int | None = None
    ) -> None:
        super().__init__(f"Shoprenter shop {shop!r}: {message}")
        self.shop = shop
        self.status = status
        self.inner_code = inner_code


class ShoprenterAuthError(ShoprenterError):
    """Credentials refused (401/403, or the OAuth token endpoint said no)."""


class ShoprenterNotFound(ShoprenterError):
    """404: no such resource (inner code 40401, or 40033 for an unknown SKU)."""


class ShoprenterValidationError(ShoprenterError):
    """400 with Shoprenter's inner code (40001 … 40032)."""


class ShoprenterRateLimited(ShoprenterError):
    """429 after every retry."""


class ShoprenterUnavailable(ShoprenterError):
    """5xx, time-outs or dropped connections after every retry."""
