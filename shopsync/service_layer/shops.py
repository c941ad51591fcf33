"""Shop connections: adding, listing, switching and changing settings (service layer)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import SecretStr
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.base import Base
from shopsync.adapters.db.models import Account, PriceGroup, ProductGroup, ShopConnection, Warehouse
from shopsync.adapters.secrets import CredentialCipher
from shopsync.adapters.shoprenter.credentials import ShopAccess
from shopsync.domain.order_rules import intake_problem, writeback_status_problem
from shopsync.service_layer.connection_settings import SETTING_FIELDS, ConnectionSettings
from shopsync.service_layer.settings_input import parsed_changes

SHOP_PATH_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
Row = TypeVar("Row", bound=Base)


class ShopError(Exception):
    """A shop command cannot be carried out; the message says why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def find_account(session: AsyncSession, name: str) -> Account | None:
    query = select(Account).where(Account.name == name)
    return (await session.execute(query)).scalar_one_or_none()


async def get_or_create_account(session: AsyncSession, name: str) -> Account:
    account = await find_account(session, name)
    if account is None:
        account = await _flushed(session, Account(name=name, settings={}))
    return account


async def _flushed(session: AsyncSession, row: Row) -> Row:
    """The row, added and flushed so that its id is known."""
    session.add(row)
    await session.flush()
    return row


async def add_connection(
    session: AsyncSession,
    cipher: CredentialCipher,
    *,
    account: str,
    name: str,
    path: str,
    auth_kind: Literal["basic", "oauth"],
    api_user: str,
    api_secret: str,
    api_url: str | None = None,
    oauth_token_url: str | None = None,
) -> ShopConnection:
    """Create a connection with a fresh webhook token; secrets are stored encrypted."""
    _check_access(path, api_user, api_secret)
    owner = await get_or_create_account(session, account)
    if await find_connection(session, name, account) is not None:
        raise ShopError(f"a connection named {name!r} already exists")
    connection = ShopConnection(
        account_id=owner.id,
        name=name,
        shoprenter_path=path,
        auth_kind=auth_kind,
        api_user=api_user,
        api_secret_encrypted=cipher.encrypt(api_secret),
        api_url=api_url,
        oauth_token_url=oauth_token_url,
    )
    rotate_token(connection, cipher)
    return await _flushed(session, connection)


def _check_access(path: str, api_user: str, api_secret: str) -> None:
    if not re.match(SHOP_PATH_PATTERN, path):
        raise ShopError(
            f"shop path {path!r} is not valid: use the xxxx of xxxx.api.myshoprenter.hu"
        )
    if not api_user or not api_secret:
        raise ShopError("credentials are incomplete: a user (or client id) and a secret are needed")


async def find_connection(
    session: AsyncSession, name: str, account: str | None = None
) -> ShopConnection | None:
    found = (await session.execute(_connections_named(name, account))).scalars().all()
    if len(found) > 1:
        raise ShopError(f"{name!r} names connections of several accounts: give --account")
    return found[0] if found else None


def _connections_named(name: str, account: str | None) -> Select[ShopConnection]:
    """Connections of that name: of one account when it is given, else of any."""
    query = select(ShopConnection).join(Account).where(ShopConnection.name == name)
    return query if account is None else query.where(Account.name == account)


async def require_connection(
    session: AsyncSession, name: str, account: str | None = None
) -> ShopConnection:
    connection = await find_connection(session, name, account)
    if connection is None:
        raise ShopError(f"no connection named {name!r}")
    return connection


def apply_settings(connection: ShopConnection, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and apply setting changes; returns what was applied."""
    applied = parsed_changes(
        ConnectionSettings, changes, lambda problems: ShopError(f"invalid settings: {problems}")
    )
    auto_accept = applied.get("orders_auto_accept", connection.orders_auto_accept)
    cancel = applied.get("orders_cancel_status_ids", connection.orders_cancel_status_ids)
    problem = intake_problem(bool(auto_accept), list(cancel or []))
    if problem:
        raise ShopError(
            f"{problem}: shopsync shops set {connection.name} orders_cancel_status_ids=[7] "
            "(the ids of your shop's cancelled statuses), then switch auto-accept on"
        )
    _refuse_writeback_status(connection, applied)
    intake_was_on = _intake_on(connection)
    for key, value in applied.items():
        setattr(connection, key, value)
    if not intake_was_on and _intake_on(connection):
        connection.orders_reconcile_from = datetime.now(UTC)  # never the shop's history before
    return applied


def _refuse_writeback_status(connection: ShopConnection, applied: dict[str, Any]) -> None:
    """A write-back status that asks for a document or cancels would make ShopSync's own
    status change act on the order again: refused, whichever of the settings changes."""

    def now(name: str) -> Any:
        return applied.get(name, getattr(connection, name))

    status = now("writeback_status_id")
    cancel = [str(s) for s in now("orders_cancel_status_ids") or []]
    problem = writeback_status_problem(status, now("orders_status_rules") or {}, cancel)
    if problem:
        raise ShopError(f"writeback_status_id: {problem}: choose a status that does neither")


def _intake_on(connection: ShopConnection) -> bool:
    """Order intake on: the connection (on unless switched off) and its order tab."""
    return connection.enabled is not False and bool(connection.orders_enabled)


#: Settings that name rows of the account, and what they name.
REFERENCES: dict[str, tuple[type[Warehouse] | type[PriceGroup] | type[ProductGroup], str]] = {
    "orders_stock_warehouse_id": (Warehouse, "warehouses"),
    "stock_download_warehouse_id": (Warehouse, "warehouses"),
    "stock_upload_warehouse_ids": (Warehouse, "warehouses"),
    "products_download_price_group_id": (PriceGroup, "price-groups"),
    "products_selling_price_group_id": (PriceGroup, "price-groups"),
    "products_sale_price_group_id": (PriceGroup, "price-groups"),
    "products_excluded_group_ids": (ProductGroup, "products"),
}


async def check_references(
    session: AsyncSession, connection: ShopConnection, applied: dict[str, Any]
) -> None:
    """Refuse ids that are not the account's warehouses, price groups or product groups."""
    for name, (model, command) in REFERENCES.items():
        wanted = _ids(applied.get(name))
        if not wanted:
            continue
        query = select(model.id).where(
            model.account_id == connection.account_id, model.id.in_(wanted)
        )
        missing = wanted - set((await session.execute(query)).scalars())
        if missing:
            raise ShopError(
                f"{name}: no such id {sorted(missing)} in this account "
                f"(`shopsync {command} list` shows them)"
            )


def _ids(value: Any) -> set[int]:
    """The ids a setting names: one, a list of them, or none."""
    listed = value if isinstance(value, list) else [value]
    return {int(v) for v in listed if v is not None}


def rotate_token(connection: ShopConnection, cipher: CredentialCipher) -> str:
    token = secrets.token_urlsafe(32)
    connection.webhook_token_hash = hash_token(token)
    connection.webhook_token_encrypted = cipher.encrypt(token)
    return token


def webhook_url(base_url: str, connection: ShopConnection, cipher: CredentialCipher) -> str:
    token = cipher.decrypt(connection.webhook_token_encrypted)
    return f"{base_url}/webhooks/shoprenter/{connection.id}/{token}"


def describe(connection: ShopConnection, account_name: str) -> dict[str, Any]:
    """A connection for display: every setting, never a secret."""
    data: dict[str, Any] = {
        "id": connection.id,
        "name": connection.name,
        "account": account_name,
        "path": connection.shoprenter_path,
        "auth": connection.auth_kind,
        "api_user": connection.api_user if connection.auth_kind == "basic" else None,
        "client_id": connection.api_user if connection.auth_kind == "oauth" else None,
    }
    for name in SETTING_FIELDS:
        data[name] = getattr(connection, name)
    return data


def shop_access(connection: ShopConnection, cipher: CredentialCipher) -> ShopAccess:
    """How to reach the connection's shop, with its secret decrypted (never logged)."""
    return ShopAccess(
        connection.shoprenter_path,
        "oauth" if connection.auth_kind == "oauth" else "basic",
        connection.api_user,
        SecretStr(cipher.decrypt(connection.api_secret_encrypted)),
        api_url=connection.api_url,
        token_url=connection.oauth_token_url,
    )
