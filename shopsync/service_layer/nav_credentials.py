"""An account's NAV technical user: kept encrypted, shown masked, handed to the NAV client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account, NavCredentials
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.nav_reporting import TechnicalUser


class NavCredentialsError(Exception):
    """Credentials that cannot be kept or are missing; the message says why."""


@dataclass(frozen=True)
class Secrets:
    """The technical user's three secrets, as typed or read from the environment."""

    password: str
    signing_key: str
    exchange_key: str

    def __repr__(self) -> str:
        return "Secrets(<hidden>)"


def taxpayer_id(tax_number: str) -> str:
    """The 8 digits NAV names the taxpayer by (12345678-2-41 and 12345678 alike)."""
    match = re.fullmatch(r"(\d{8})(-?[1-5]-?\d{2})?", tax_number.strip())
    if match is None:
        raise NavCredentialsError(f"{tax_number!r} is not a tax number (12345678 or 12345678-2-41)")
    return match.group(1)


def _checked(login: str, secrets: Secrets) -> None:
    if not 6 <= len(login.strip()) <= 15:
        raise NavCredentialsError("the technical user's login is 6 to 15 characters")
    if not all((secrets.password, secrets.signing_key, secrets.exchange_key)):
        raise NavCredentialsError("password, signing key and exchange key are all needed")
    if len(secrets.exchange_key.encode()) != 16:
        raise NavCredentialsError("the exchange key is 16 characters (as NAV shows it)")


async def set_credentials(
    session: AsyncSession,
    cipher: CredentialCipher,
    account: Account,
    login: str,
    tax_number: str,
    secrets: Secrets,
) -> dict[str, Any]:
    """Keep the account's technical user (replacing one kept before); its masked view."""
    _checked(login, secrets)
    row = await session.get(NavCredentials, account.id)
    if row is None:
        row = NavCredentials(account_id=account.id, reporting_from=datetime.now(UTC))
        session.add(row)
    row.login, row.tax_number = login.strip(), taxpayer_id(tax_number)
    row.password_encrypted = cipher.encrypt(secrets.password)
    row.signing_key_encrypted = cipher.encrypt(secrets.signing_key)
    row.exchange_key_encrypted = cipher.encrypt(secrets.exchange_key)
    return masked(account.name, row)


def masked(account_name: str, row: NavCredentials) -> dict[str, Any]:
    """What may be shown of the credentials: who, never a secret."""
    return {
        "account": account_name,
        "login": row.login,
        "tax_number": row.tax_number,
        "password": "********",
        "signing_key": "********",
        "exchange_key": "********",
        "reporting_from": row.reporting_from,
    }


async def credentials_of(session: AsyncSession, account: Account) -> NavCredentials:
    row = await session.get(NavCredentials, account.id)
    if row is None:
        raise NavCredentialsError(
            f"account {account.name!r} has no NAV technical user: "
            f"shopsync nav credentials set {account.name} --login L --tax-number T"
        )
    return row


def technical_user(row: NavCredentials, cipher: CredentialCipher) -> TechnicalUser:
    """The decrypted technical user (its secrets stay out of its repr)."""
    return TechnicalUser(
        row.login,
        row.tax_number,
        cipher.decrypt(row.password_encrypted),
        cipher.decrypt(row.signing_key_encrypted),
        cipher.decrypt(row.exchange_key_encrypted),
    )


async def reporting_accounts(session: AsyncSession) -> list[NavCredentials]:
    """Every account with a technical user, i.e. every account ShopSync reports for."""
    return list((await session.execute(select(NavCredentials))).scalars())
