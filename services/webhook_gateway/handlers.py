"""The webhook endpoint: authenticate, read, parse, publish, and answer after the acks."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiohttp import web

from services.webhook_gateway.body import BodyRejected, WebhookPayload, parse_body
from services.webhook_gateway.connections import ConnectionEntry
from services.webhook_gateway.events import event_key, order_event
from services.webhook_gateway.keys import DIRECTORY, METRICS, PUBLISHER, SETTINGS
from services.webhook_gateway.publisher import EventPublisher
from shopsync.adapters.kafka.contracts import ContractViolation, encode
from shopsync.adapters.kafka.producer import BrokerUnavailable
from shopsync.adapters.kafka.topics import ORDER_EVENTS

log = logging.getLogger(__name__)
NOT_FOUND = "no such webhook"


async def receive_webhook(request: web.Request) -> web.Response:
    """Authenticate by URL token, parse, publish every order and answer after the acks."""
    metrics = request.app[METRICS]
    with metrics.in_flight.track_inprogress(), metrics.request_seconds.time():
        response = await _receive(request)
    metrics.requests.labels(outcome=str(response.status)).inc()
    return response


class _Refused(Exception):
    """A webhook not accepted: `reason` is the rejection's metric label, `status` the answer's."""

    def __init__(self, reason: str, message: str, status: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


async def _receive(request: web.Request) -> web.Response:
    try:
        entry = await _authenticated(request)
        _count_webhook(request, entry.connection_id)
        payload = parse_body(request.headers.get("Content-Type", ""), await _body(request))
        if not entry.orders_enabled:
            return web.json_response({"accepted": 0, "ignored": "order intake is switched off"})
        if not request.app[PUBLISHER].is_reachable():  # known down: say so now, not after acks
            return _unavailable(request)
        encoded = _encoded(entry, payload)
    except (_Refused, BodyRejected) as exc:
        return _reject(request, exc.reason, str(exc), exc.status)
    return await _publish(request, encoded)


def _count_webhook(request: web.Request, connection_id: int) -> None:
    """Count the shop's webhook whatever becomes of it: the alert on a silent shop reads it."""
    metrics = request.app[METRICS]
    metrics.webhooks.labels(connection=str(connection_id)).inc()
    metrics.last_webhook.labels(connection=str(connection_id)).set_to_current_time()


async def _authenticated(request: web.Request) -> ConnectionEntry:
    """The connection the URL names, when enabled and the URL's token is its own."""
    entry = await _named_connection(request)
    if entry is None or not entry.enabled or not entry.accepts_token(request.match_info["token"]):
        raise _Refused("unknown_webhook", NOT_FOUND, 404)
    return entry


async def _named_connection(request: web.Request) -> ConnectionEntry | None:
    """The connection of the URL's id; an id no connection can have costs no look-up."""
    connection = request.match_info["connection"]
    if connection.isascii() and connection.isdigit() and len(connection) < 19:
        return await request.app[DIRECTORY].get(int(connection))
    return None


async def _body(request: web.Request) -> bytes:
    """The raw body, within the size limit and the read timeout."""
    settings = request.app[SETTINGS]
    if (request.content_length or 0) > settings.webhook_max_body_bytes:
        raise _Refused("too_large", "body over the size limit", 413)
    return await _read(request, settings.webhook_read_timeout_s)


async def _read(request: web.Request, timeout_s: float) -> bytes:
    """The whole body, or a refusal saying why it did not arrive."""
    try:
        async with asyncio.timeout(timeout_s):
            return await request.read()
    except TimeoutError:
        raise _Refused("read_timeout", "the body did not arrive in time", 408) from None
    except web.HTTPRequestEntityTooLarge:
        raise _Refused("too_large", "body over the size limit", 413) from None
    except ConnectionResetError:  # the sender hung up mid-body: nothing was accepted
        log.info("webhook sender disconnected before the body was complete")
        raise _Refused("client_disconnected", "connection lost mid-body", 400) from None


def _encoded(entry: ConnectionEntry, payload: WebhookPayload) -> list[tuple[bytes, bytes]]:
    """The payload's orders as keyed, encoded events; input that cannot be one is a 400."""
    try:
        return _events(entry.connection_id, entry.account_id, payload)
    except (ContractViolation, ValueError) as exc:
        raise _Refused("invalid_event", str(exc)[:300], 400) from exc
    except Exception as exc:  # input we did not foresee: a 400 with the reason logged, never a 500
        log.exception("webhook of connection %s could not become events", entry.connection_id)
        raise _Refused("unprocessable", "the webhook could not be read", 400) from exc


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
    metrics = app[METRICS]
    started = asyncio.get_running_loop().time()
    try:
        async with asyncio.timeout(app[SETTINGS].gateway_ack_timeout_s):
            await _publish_all(app[PUBLISHER], encoded)
    except (BrokerUnavailable, TimeoutError) as exc:
        log.warning("broker did not acknowledge: %s", exc)
        return _unavailable(request)
    metrics.ack_seconds.observe(asyncio.get_running_loop().time() - started)
    metrics.events_published.inc(len(encoded))
    return web.json_response({"accepted": len(encoded)})


async def _publish_all(publisher: EventPublisher, encoded: list[tuple[bytes, bytes]]) -> None:
    if len(encoded) == 1:  # the usual webhook: one order, no task to gather
        await publisher.publish(ORDER_EVENTS, *encoded[0])
    else:
        await asyncio.gather(*(publisher.publish(ORDER_EVENTS, k, v) for k, v in encoded))


def _reject(request: web.Request, reason: str, message: str, status: int) -> web.Response:
    request.app[METRICS].rejections.labels(reason=reason).inc()
    return web.json_response({"error": message, "reason": reason}, status=status)
