"""Typed keys for what the gateway keeps on its aiohttp application."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.webhook_gateway.connections import ConnectionDirectory
from services.webhook_gateway.metrics import GatewayMetrics
from services.webhook_gateway.publisher import EventPublisher
from shopsync.adapters.health import Readiness
from shopsync.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
REGISTRY = web.AppKey("registry", CollectorRegistry)
METRICS = web.AppKey("metrics", GatewayMetrics)
DIRECTORY = web.AppKey("directory", ConnectionDirectory)
PUBLISHER = web.AppKey("publisher", EventPublisher)
DRAINING = web.AppKey("draining", asyncio.Event)
READINESS = web.AppKey("readiness", Readiness)
SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
LINK_KEY = web.AppKey("link_key", bytes)  # what document PDF links are signed with
