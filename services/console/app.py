"""The console's app factory: no I/O here; the database opens in cleanup_ctx."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from prometheus_client import CollectorRegistry

from services.console import resources
from services.console.guard import guard
from services.console.headers import security_headers
from services.console.keys import REGISTRY, SETTINGS, THROTTLE
from services.console.routes import add_routes
from shopsync.domain.login_throttle import LoginThrottle
from shopsync.service_layer.console_sessions import SESSION_LIFETIME
from shopsync.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"


def session_storage(settings: Settings, session_key: bytes) -> EncryptedCookieStorage:
    """Encrypted, HttpOnly, SameSite=Lax cookies; Secure when the console is served on https."""
    return EncryptedCookieStorage(
        session_key,
        cookie_name="shopsync_console",
        httponly=True,
        samesite="Lax",
        secure=settings.console_public_url.startswith("https://"),
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )


def create_app(
    settings: Settings,
    session_key: bytes,
    registry: CollectorRegistry | None = None,
    throttle: LoginThrottle | None = None,
) -> web.Application:
    """Build the console; `session_key` (32 bytes) encrypts its session cookies."""
    app = web.Application(client_max_size=256 * 1024)
    app[SETTINGS] = settings
    app[REGISTRY] = registry or CollectorRegistry()
    app[THROTTLE] = throttle or LoginThrottle()
    setup_sessions(app, session_storage(settings, session_key))
    app.middlewares.append(guard)
    loader = jinja2.FileSystemLoader(TEMPLATES)
    aiohttp_jinja2.setup(app, loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    app.cleanup_ctx.append(resources.database(settings))
    app.on_response_prepare.append(security_headers)
    add_routes(app)
    return app
