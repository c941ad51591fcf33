"""`shopsync rates`: exchange rates (HUF per unit) for foreign-currency documents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.mnb.client import HttpMnbClient
from shopsync.adapters.mnb.errors import MnbError
from shopsync.entrypoints.cli.arguments import is_currency_code, number
from shopsync.entrypoints.cli.context import committed, query, run_explained, sessions_of
from shopsync.entrypoints.cli.output import emit_rows
from shopsync.service_layer.exchange_rates import listed_rates, set_rate
from shopsync.service_layer.rate_book import sync_rates
from shopsync.settings import Settings

DAY = click.DateTime(formats=["%Y-%m-%d"])
RATE_COLUMNS = ["currency", "day", "rate", "source"]


@asynccontextmanager
async def mnb_client(current: Settings) -> AsyncIterator[HttpMnbClient]:
    """A client of MNB's service at MNB_URL, on a session of its own."""
    async with aiohttp.ClientSession() as http:
        yield HttpMnbClient(lambda: http, current.mnb_url, current.mnb_timeout_s)


@click.group("rates", invoke_without_command=True)
@click.pass_context
def rates(context: click.Context) -> None:
    """Exchange rates (HUF per unit) for foreign-currency documents; alone: list them."""
    if context.invoked_subcommand is None:
        context.invoke(list_rates)


@rates.command("list")
@click.option("--currency", default=None)
@click.option("--json", "as_json", is_flag=True)
def list_rates(currency: str | None = None, as_json: bool = False) -> None:
    """Recorded rates, newest first, with their source (mnb, or typed in by hand)."""

    async def rows(session: AsyncSession) -> list[dict[str, Any]]:
        return [_row(r) for r in await listed_rates(session, currency)]

    emit_rows(query(rows), RATE_COLUMNS, as_json)


def _row(rate: Any) -> dict[str, Any]:
    return {
        "currency": rate.currency,
        "day": rate.rate_date.isoformat(),
        "rate": f"{rate.rate.normalize():f}",  # 350, not 3.5E+2
        "source": rate.source,
    }


@rates.command("set")
@click.argument("currency")
@click.argument("day", type=DAY)
@click.argument("rate")
@click.option("--source", default="manual", show_default=True, help="e.g. bank")
def set_rate_(currency: str, day: Any, rate: str, source: str) -> None:
    """Record CURRENCY's RATE for DAY (YYYY-MM-DD): used for that day instead of MNB's."""
    value, code = _rate(rate), _currency(currency)
    on: date = day.date()
    committed(lambda session: set_rate(session, code, on, value, source))
    click.echo(f"{code} {on.isoformat()}: {value} HUF ({source})")


@rates.command("sync")
@click.option("--from", "start", type=DAY, required=True, help="first day, YYYY-MM-DD")
@click.option("--to", "end", type=DAY, default=None, help="last day (default: today)")
@click.option("--currency", default="EUR", show_default=True, help="codes, comma-separated")
def sync(start: Any, end: Any, currency: str) -> None:
    """Fill the rates of a range of days from MNB (what it published: weekdays, no holidays)."""
    current = Settings()
    days = (start.date(), end.date() if end else date.today())
    codes = {_currency(c) for c in currency.split(",") if c.strip()}

    async def go() -> int:
        async with sessions_of(current) as sessions, mnb_client(current) as mnb:
            return len(await sync_rates(sessions, mnb, days, codes))

    kept = run_explained(go, MnbError)
    click.echo(f"{kept} rates from MNB for {', '.join(sorted(codes))}, {days[0]} to {days[1]}")


def _currency(code: str) -> str:
    if not is_currency_code(code.strip()):
        raise click.BadParameter(f"{code!r} is not an ISO currency code", param_hint="CURRENCY")
    return code.strip().upper()


def _rate(text: str) -> Decimal:
    """HUF per unit: a positive number."""
    value = number(text, "RATE")
    if not value.is_finite() or value <= 0:
        raise click.BadParameter("a rate is a positive number of HUF", param_hint="RATE")
    return value
