"""Entry point: run the console process."""

from __future__ import annotations

import warnings

from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning

from services.console.app import create_app
from shopsync.adapters.secrets import console_session_key, load_or_create_key
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    """Serve the console until SIGINT/SIGTERM, on SERVICE_BIND_HOST:CONSOLE_PORT."""
    # aiohttp-session keeps its storage under a string request key: its code, not ours.
    warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")
    app = create_app(settings, console_session_key(load_or_create_key(settings)))
    web.run_app(
        app,
        host=settings.service_bind_host,
        port=settings.console_port,
        print=None,
        access_log=None,
    )
