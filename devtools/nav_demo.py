"""The demo account's NAV reporting: a technical user at the NAV sandbox, its credentials here.

`shopsync up --demo` runs the NAV sandbox beside the Shoprenter one and points the
nav-reporter at it; this registers the user there, keeps its credentials (encrypted) and
gives the demo account the supplier data and zero-VAT case its invoices need.
"""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import Account, ShopConnection
from shopsync.adapters.secrets import CredentialCipher, load_or_create_key
from shopsync.service_layer.accounts import set_supplier
from shopsync.service_layer.nav_credentials import Secrets, set_credentials
from shopsync.settings import Settings

DEMO_USER = {
    "login": "demotechuser01",
    "tax_number": "12345678",
    "password": "demo-jelszó",
    "signing_key": "demo-signing-key-0001",
    "exchange_key": "DEMOEXCHANGEKEY1",
}
DEMO_SUPPLIER = {
    "name": "Demo Webshop Kft.",
    "tax_number": "12345678-2-41",
    "postcode": "1037",
    "city": "Budapest",
    "address": "Bécsi út 52.",
    "bank_account": "12345678-12345678-12345678",
}


async def prepare(settings: Settings) -> None:
    """The demo account reports to the NAV sandbox from now on."""
    url = f"http://127.0.0.1:{settings.nav_sandbox_port}/_nav/users"
    async with aiohttp.ClientSession() as http, http.post(url, json=DEMO_USER) as answer:
        answer.raise_for_status()
    cipher = CredentialCipher(load_or_create_key(settings))
    engine = create_engine(settings.resolved_database_url)
    async with session_factory(engine)() as session:
        account = (
            await session.execute(select(Account).where(Account.name == "demo"))
        ).scalar_one()
        if not (account.settings or {}).get("supplier"):
            set_supplier(account, DEMO_SUPPLIER)
        for connection in (
            await session.execute(
                select(ShopConnection).where(ShopConnection.account_id == account.id)
            )
        ).scalars():
            connection.nav_zero_vat_case = connection.nav_zero_vat_case or "TAM"
        secrets = Secrets(
            DEMO_USER["password"], DEMO_USER["signing_key"], DEMO_USER["exchange_key"]
        )
        await set_credentials(
            session, cipher, account, DEMO_USER["login"], DEMO_USER["tax_number"], secrets
        )
        await session.commit()
    await engine.dispose()
