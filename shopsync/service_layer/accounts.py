"""Account-level settings: the supplier (seller) data every reported invoice carries."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.models import Account
from shopsync.domain.nav_invoice import Address, Supplier
from shopsync.service_layer.settings_input import parsed_changes
from shopsync.service_layer.shops import find_account


class AccountError(Exception):
    """An account operation that cannot be done; the message says why."""


class SupplierSettings(BaseModel):
    """What `shopsync account set` may change; every field is checked as NAV would."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=512)
    tax_number: str | None = Field(default=None, pattern=r"^\d{8}-?[1-5]-?\d{2}$")
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    postcode: str | None = Field(default=None, pattern=r"^[A-Z0-9][A-Z0-9\s\-]{1,8}[A-Z0-9]$")
    city: str | None = Field(default=None, min_length=1, max_length=255)
    address: str | None = Field(default=None, min_length=1, max_length=255)
    eu_vat_number: str | None = Field(default=None, pattern=r"^[A-Z]{2}[0-9A-Z+*.]{2,12}$")
    bank_account: str | None = Field(
        default=None,
        pattern=r"^([0-9]{8}-[0-9]{8}(-[0-9]{8})?|[A-Z]{2}[0-9]{2}[0-9A-Za-z]{11,30})$",
    )


REQUIRED_SUPPLIER_FIELDS = ("name", "tax_number", "postcode", "city", "address")


async def account_named(session: AsyncSession, name: str) -> Account:
    account = await find_account(session, name)
    if account is None:
        raise AccountError(f"no account named {name!r}")
    return account


def set_supplier(account: Account, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and store supplier fields; returns the account's supplier data after."""
    parsed = parsed_changes(
        SupplierSettings,
        changes,
        lambda problems: AccountError(f"invalid supplier data: {problems}"),
    )
    supplier = {**(account.settings or {}).get("supplier", {})}
    supplier.update(parsed)
    account.settings = {**(account.settings or {}), "supplier": supplier}
    return supplier


def supplier_of(account: Account) -> Supplier:
    """The account's supplier data for NAV; AccountError naming what is missing."""
    data: dict[str, str] = (account.settings or {}).get("supplier", {})
    missing = [name for name in REQUIRED_SUPPLIER_FIELDS if not data.get(name)]
    if missing:
        raise _incomplete(account.name, missing)
    country = data.get("country_code") or "HU"
    address = Address(country, data["postcode"], data["city"], data["address"])
    return Supplier(data["name"], data["tax_number"], address, data.get("bank_account") or "")


def eu_vat_number_of(account: Account) -> str:
    """The supplier's EU VAT number (HU12345678), printed on the PDF when it is set."""
    return str((account.settings or {}).get("supplier", {}).get("eu_vat_number") or "")


def _incomplete(account: str, missing: list[str]) -> AccountError:
    options = " ".join(f"--{name.replace('_', '-')} ..." for name in missing)
    return AccountError(
        f"account {account!r} has no supplier {', '.join(missing)} for NAV: "
        f"shopsync account set {account} {options}"
    )
