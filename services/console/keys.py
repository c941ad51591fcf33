"""Typed keys for what the console keeps on its application and on each request."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.health import Readiness
from shopsync.adapters.secrets import CredentialCipher
from shopsync.domain.login_throttle import LoginThrottle
from shopsync.service_layer.operators import OperatorView
from shopsync.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
REGISTRY = web.AppKey("registry", CollectorRegistry)
THROTTLE = web.AppKey("throttle", LoginThrottle)
CIPHER = web.AppKey("cipher", CredentialCipher)
READINESS = web.AppKey("readiness", Readiness)
SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
OPERATOR = web.RequestKey("operator", OperatorView)  # who is logged in


def operator_of(request: web.Request) -> OperatorView:
    """Who is logged in (the auth middleware let the request through, so someone is)."""
    operator: OperatorView = request[OPERATOR]
    return operator
