"""The use cases around held orders: which wait for review, and releasing one once fixed."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.held_orders import mark_released, open_holds
from shopsync.adapters.db.models import HeldOrder, ShopConnection
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.document_building import TotalsDiffer
from shopsync.domain.document_content import content_for
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_reading import OrderRejected, read_order
from shopsync.domain.order_rules import OrderRules
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.ports import ExchangeRates
from shopsync.service_layer.shops import require_connection


class NothingHeld(Exception):
    """No held event of that order waits for release."""


async def held_orders(session: AsyncSession) -> list[dict[str, Any]]:
    """Every held event that waits for review, with the field and reason that held it."""
    names = dict((await session.execute(select(ShopConnection.id, ShopConnection.name))).all())
    return [
        _held(h, names.get(h.connection_id, str(h.connection_id)))
        for h in await open_holds(session)
    ]


def _held(hold: HeldOrder, connection: str) -> dict[str, Any]:
    return {
        "connection": connection,
        "order": hold.order_ref,
        "status": hold.status_id,
        "field": hold.field,
        "value": hold.value,
        "reason": hold.reason,
        "held_at": hold.held_at,
    }


async def release(
    sessions: async_sessionmaker[AsyncSession],
    connection_name: str,
    order_ref: str,
    account: str | None = None,
    accept_difference: bool = False,
    rates: ExchangeRates | None = None,
) -> list[str]:
    """Handle the order's held events again, as they are; one line each on what came of it.

    `accept_difference`: an order whose lines do not add up to the shop's total is issued
    with the difference as a line of its own (the operator checked the shop's order).
    `rates`: where a foreign-currency document gets its rate (an order held waiting for
    one is held again while it cannot be had).
    """
    async with sessions() as session:
        connection = await require_connection(session, connection_name, account)
        holds = await open_holds(session, connection.id, order_ref)
        rules = rules_of(connection)
    if not holds:
        raise NothingHeld(f"no held event of order {order_ref!r} of {connection_name!r}")
    intake = OrderIntake(order_units(sessions), rates)
    return [await _release(sessions, intake, hold, rules, accept_difference) for hold in holds]


async def _release(
    sessions: async_sessionmaker[AsyncSession],
    intake: OrderIntake,
    hold: HeldOrder,
    rules: OrderRules,
    accept: bool,
) -> str:
    """Handle one held event again (under a new event id) unless it would still be held."""
    event = OrderReceived.model_validate_json(hold.event)
    try:
        accepted = _difference_to_accept(event, rules, accept)
    except OrderRejected as still:
        return f"status {hold.status_id}: still held: {still}"
    again_id = f"{event.event_id[:150]}:release:{time.time_ns()}"
    again = {"event_id": again_id, "accepted_difference": accepted}
    outcome = await intake.handle(event.model_copy(update=again))
    async with sessions() as session:
        await mark_released(session, [hold.id])
        await session.commit()
    return f"status {hold.status_id}: {outcome.result} {outcome.note}".rstrip()


def _difference_to_accept(event: OrderReceived, rules: OrderRules, accept: bool) -> Decimal | None:
    """None when the order reads and adds up; its difference when it does not and `accept`.

    Anything else that would hold it again raises OrderRejected, as it would in the intake.
    """
    order = read_order(event.order, rules.vat_rates)
    try:
        content_for(order, DocumentKind.INVOICE, rules)
    except TotalsDiffer as differs:
        if not accept:
            raise
        content_for(
            replace(order, accepted_difference=differs.difference), DocumentKind.INVOICE, rules
        )
        return differs.difference
    return None
