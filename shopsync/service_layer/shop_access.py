"""Changing how ShopSync reaches a shop: its path, API user and (write-only) secret."""

from __future__ import annotations

from typing import Any

from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.secrets import CredentialCipher
from shopsync.service_layer.shops import _check_access


def access_of(connection: ShopConnection) -> dict[str, Any]:
    """What may be shown of the access: never the secret itself, only that there is one."""
    return {
        "path": connection.shoprenter_path,
        "api_user": connection.api_user,
        "api_secret": bool(connection.api_secret_encrypted),
    }


def change_access(
    connection: ShopConnection,
    cipher: CredentialCipher,
    path: str,
    api_user: str,
    api_secret: str | None,
) -> dict[str, Any]:
    """Set path and user, and the secret only when a new one is given (empty keeps it);
    checked as `shops add` checks them. What the access is now, as access_of shows it."""
    _check_access(path, api_user, api_secret or "kept")
    connection.shoprenter_path = path
    connection.api_user = api_user
    if api_secret:
        connection.api_secret_encrypted = cipher.encrypt(api_secret)
    return {**access_of(connection), "api_secret": api_secret or True}
