"""The use cases around held orders: which wait for review, and releasing one once fixed."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopsync.adapters.db.connection_rules import rules_of
from shopsync.adapters.db.held_orders import mark_released, open_holds
from shopsync.adapters.db.models import ShopConnection
from shopsync.adapters.db.uow import order_units
from shopsync.adapters.kafka.records import OrderReceived
from shopsync.domain.document_content import content_for
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_reading import OrderRejected, read_order
from shopsync.service_layer.order_intake import OrderIntake
from shopsync.service_layer.shops import require_connection


class NothingHeld(Exception):
    """No held event of that order waits for release."""


async def held_orders(session: AsyncSession) -> list[dict[str, Any]]:
    names = dict((await session.execute(select(ShopConnection.id, ShopConnection.name))).all())
    return [
        {
            "connection": names.get(h.connection_id, str(h.connection_id)),
            "order": h.order_ref,
            "status": h.status_id,
            "field": h.field,
            "value": h.value,
            "reason": h.reason,
            "held_at": h.held_at,
        }
        for h in await open_holds(session)
    ]


async def release(
    sessions: async_sessionmaker[AsyncSession],
    connection_name: str,
    order_ref: str,
    account: str | None = None,
) -> list[str]:
    """Handle the order's held events again, as they are; one line each on what came of it."""
    async with sessions() as session:
        connection = await require_connection(session, connection_name, account)
        holds = await open_holds(session, connection.id, order_ref)
        rules = rules_of(connection)
    if not holds:
        raise NothingHeld(f"no held event of order {order_ref!r} of {connection_name!r}")
    said = []
    for hold in holds:
        event = OrderReceived.model_validate_json(hold.event)
        try:
            content_for(read_order(event.order, rules.vat_rates), DocumentKind.INVOICE, rules)
        except OrderRejected as still:
            said.append(f"status {hold.status_id}: still held: {still}")
            continue
        again = event.model_copy(
            update={"event_id": f"{event.event_id[:150]}:release:{time.time_ns()}"}
        )
        outcome = await OrderIntake(order_units(sessions)).handle(again)
        async with sessions() as session:
            await mark_released(session, [hold.id])
            await session.commit()
        said.append(f"status {hold.status_id}: {outcome.result} {outcome.note}".rstrip())
    return said
