"""What every service's /metrics, /healthz and /readyz answer — one definition, served by
aiohttp directly (gateway, mailer, outbox relay) or through faust's web views (the workers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

JSON = "application/json"


class PageAnswer(NamedTuple):
    status: int
    body: bytes
    content_type: str


def metrics_answer(registry: CollectorRegistry) -> PageAnswer:
    """The registry in Prometheus's text format."""
    return PageAnswer(200, generate_latest(registry), CONTENT_TYPE_LATEST)


def health_answer() -> PageAnswer:
    """The process is alive and serving."""
    return PageAnswer(200, orjson.dumps({"status": "ok"}), JSON)


def readiness_answer(
    problems: Mapping[str, str], waiting_for: str = "", **facts: Any
) -> PageAnswer:
    """503 naming the problems, or 503 saying what it still waits for; else 200 ready."""
    if problems:
        return PageAnswer(503, orjson.dumps({"status": "not ready", "problems": problems}), JSON)
    if waiting_for:
        return PageAnswer(503, orjson.dumps({"status": waiting_for}), JSON)
    return PageAnswer(200, orjson.dumps({"status": "ready", **facts}), JSON)


def aiohttp_response(answer: PageAnswer) -> web.Response:
    # The full header: aiohttp refuses a charset inside content_type= (Prometheus sends one).
    return web.Response(
        status=answer.status, body=answer.body, headers={"Content-Type": answer.content_type}
    )
