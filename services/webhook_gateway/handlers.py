"""HTTP handlers: the webhook endpoint, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiohttp import web

from services.webhook_gateway.body import BodyRejected, WebhookPayload, parse_body
from services.webhook_gateway.events import event_key, order_event
from services.webhook_gateway.keys import (
    DIRECTORY,
    DRAINING,
    METRICS,
    PUBLISHER,
    READINESS,
    REGISTRY,
    SETTINGS,
)
from shopsync.adapters.kafka.contracts import ContractViolation, encode
from shopsync.adapters.kafka.producer import BrokerUnavailable
from shopsync.adapters.kafka.topics import ORDER_EVENTS
from shopsync.adapters.service_pages import (
    aiohttp_response,
    health_answer,
    metrics_answer,
    readiness_answer,
)

log = logging.getLogger(__name__)
NOT_FOUND = "no such webhook"


async def receive_webhook(request: web.Request) -> web.Response:
    """Authenticate by URL token, parse, publish every order and answer after the acks."""
    metrics = request.app[METRICS]
    with metrics.in_flight.track_inprogress(), metrics.request_seconds.time():
        response = await _receive(request)
    metrics.requests.labels(outcome=str(response.status)).inc()
    return response


async def _receive(request: web.Request) -> web.Response:
    app = request.app
    settings, _metrics = app[SETTINGS], app[METRICS]
    entry = None
    connection = request.match_info["connection"]
    if connection.isascii() and connection.isdigit() and len(connection) < 19:
        entry = await app[DIRECTORY].get(int(connection))
    if entry is None or not entry.enabled or not entry.accepts_token(request.match_info["token"]):
        return _reject(request, "unknown_webhook", NOT_FOUND, 404)
    if (request.content_length or 0) > settings.webhook_max_body_bytes:
        return _reject(request, "too_large", "body over the size limit", 413)
    try:
        async with asyncio.timeout(settings.webhook_read_timeout_s):
            body = await request.read()
    except TimeoutError:
        return _reject(request, "read_timeout", "the body did not arrive in time", 408)
    except web.HTTPRequestEntityTooLarge:
        return _reject(request, "too_large", "body over the size limit", 413)
    except ConnectionResetError:  # the sender hung up mid-body: nothing was accepted
        log.info("webhook sender disconnected before the body was complete")
        return _reject(request, "client_disconnected", "connection lost mid-body", 400)
    try:
        payload = parse_body(request.headers.get("Content-Type", ""), body)
    except BodyRejected as exc:
        return _reject(request, exc.reason, str(exc), exc.status)
    if not entry.orders_enabled:
        return web.json_response({"accepted": 0, "ignored": "order intake is switched off"})
    if not app[PUBLISHER].is_reachable():  # known down: say so now, not after the ack budget
        return _unavailable(request)
    try:
        encoded = _events(entry.connection_id, entry.account_id, payload)
    except (ContractViolation, ValueError) as exc:
        return _reject(request, "invalid_event", str(exc)[:300], 400)
    except Exception:  # input we did not foresee: a 400 with the reason logged, never a 500
        log.exception("webhook of connection %s could not become events", entry.connection_id)
        return _reject(request, "unprocessable", "the webhook could not be read", 400)
    return await _publish(request, encoded)


def _events(
    connection_id: int, account_id: int, payload: WebhookPayload
) -> list[tuple[bytes, bytes]]:
    received_at = datetime.now(UTC)
    events = [
        order_event(connection_id, account_id, order, payload.format, received_at)
        for order in payload.orders
    ]
    return [(event_key(event), encode(event)) for event in events]


def _unavailable(request: web.Request) -> web.Response:
    request.app[METRICS].rejections.labels(reason="broker_unavailable").inc()
    return web.json_response(
        {"error": "event broker unavailable, retry later"},
        status=503,
        headers={"Retry-After": "5"},
    )


async def _publish(request: web.Request, encoded: list[tuple[bytes, bytes]]) -> web.Response:
    app = request.app
    metrics, publisher = app[METRICS], app[PUBLISHER]
    started = asyncio.get_running_loop().time()
    try:
        async with asyncio.timeout(app[SETTINGS].gateway_ack_timeout_s):
            if len(encoded) == 1:  # the usual webhook: one order, no task to gather
                await publisher.publish(ORDER_EVENTS, *encoded[0])
            else:
                await asyncio.gather(*(publisher.publish(ORDER_EVENTS, k, v) for k, v in encoded))
    except (BrokerUnavailable, TimeoutError) as exc:
        log.warning("broker did not acknowledge: %s", exc)
        return _unavailable(request)
    metrics.ack_seconds.observe(asyncio.get_running_loop().time() - started)
    metrics.events_published.inc(len(encoded))
    return web.json_response({"accepted": len(encoded)})


def _reject(request: web.Request, reason: str, message: str, status: int) -> web.Response:
    request.app[METRICS].rejections.labels(reason=reason).inc()
    return web.json_response({"error": message, "reason": reason}, status=status)


async def healthz(request: web.Request) -> web.Response:
    return aiohttp_response(health_answer())


async def readyz(request: web.Request) -> web.Response:
    """Ready only while the broker answers and no stop is under way: a load balancer then
    sends traffic elsewhere."""
    if request.app[DRAINING].is_set():
        return aiohttp_response(readiness_answer({}, "draining"))
    publisher = request.app[PUBLISHER]
    request.app[METRICS].broker_up.set(1 if publisher.is_reachable() else 0)
    problems = await request.app[READINESS].problems()
    if not publisher.is_reachable():
        problems["broker"] = "unreachable"
    return aiohttp_response(readiness_answer(problems))


async def metrics_page(request: web.Request) -> web.Response:
    app = request.app
    app[METRICS].queue_depth.set(app[PUBLISHER].queue_depth())
    app[METRICS].broker_up.set(1 if app[PUBLISHER].is_reachable() else 0)
    return aiohttp_response(metrics_answer(app[REGISTRY]))
