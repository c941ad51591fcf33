"""The NAV client as the settings configure it: where NAV is, and which software reports."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import aiohttp

from shopsync.adapters.nav.http_client import HttpNavClient, NavEndpoint
from shopsync.domain.nav_reporting import Software, TechnicalUser
from shopsync.settings import Settings


def software_of(settings: Settings) -> Software:
    """The `software` block: NAV_SOFTWARE_* and ShopSync's version; a hosted service."""
    return Software(
        settings.nav_software_id,
        settings.nav_software_name,
        "ONLINE_SERVICE",
        _version(),
        settings.nav_software_dev_name,
        settings.nav_software_dev_contact,
    )


def _version() -> str:
    try:
        return version("shopsync")[:15]
    except PackageNotFoundError:
        return "0"


def nav_client(
    user: TechnicalUser, settings: Settings, http: aiohttp.ClientSession
) -> HttpNavClient:
    """A client of `user` at NAV_URL, answers awaited NAV_TIMEOUT_S at most."""
    endpoint = NavEndpoint(settings.nav_url, settings.nav_timeout_s)
    return HttpNavClient(user, software_of(settings), http, endpoint)
