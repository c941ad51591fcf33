"""`shopsync nav`: the account's NAV technical user, a live check of it, resending a report."""

from __future__ import annotations

import os
import sys
from typing import Any

import aiohttp
import click
from sqlalchemy.ext.asyncio import AsyncSession

from shopsync.adapters.db.nav_reports import SqlAlchemyNavReportStore
from shopsync.adapters.nav.configured import software_of
from shopsync.adapters.nav.http_client import HttpNavClient, NavEndpoint
from shopsync.adapters.nav.retry import Backoff
from shopsync.domain.nav_errors import NavError, NavRejected
from shopsync.domain.nav_reporting import TechnicalUser
from shopsync.entrypoints.cli.context import cipher, committed, query, run, sessions_of, settings
from shopsync.entrypoints.cli.output import emit_either
from shopsync.service_layer.accounts import AccountError, account_named
from shopsync.service_layer.nav_credentials import (
    NavCredentialsError,
    Secrets,
    credentials_of,
    masked,
    set_credentials,
    technical_user,
)
from shopsync.service_layer.nav_reporter import NavResendRefused, resend

SECRETS = (
    ("password", "NAV_PASSWORD", "Technical user's password"),
    ("signing_key", "NAV_SIGNING_KEY", "Signing key (aláírókulcs)"),
    ("exchange_key", "NAV_EXCHANGE_KEY", "Exchange key (cserekulcs)"),
)


@click.group("nav")
def nav() -> None:
    """NAV Online Számla: the technical user per account, its check, resending a report."""


@nav.group("credentials")
def credentials() -> None:
    """The account's NAV technical user (secrets stored encrypted, never printed)."""


@credentials.command("set")
@click.argument("account")
@click.option("--login", required=True, help="the technical user's login")
@click.option("--tax-number", required=True, help="the taxpayer's tax number (12345678[-2-41])")
@click.option("--json", "as_json", is_flag=True)
def credentials_set(account: str, login: str, tax_number: str, as_json: bool) -> None:
    """Keep ACCOUNT's technical user; secrets from $NAV_PASSWORD, $NAV_SIGNING_KEY,
    $NAV_EXCHANGE_KEY or hidden prompts."""
    secrets = Secrets(**{name: _secret(env, prompt) for name, env, prompt in SECRETS})
    key = cipher(settings())

    async def store(session: AsyncSession) -> dict[str, Any]:
        kept = await account_named(session, account)
        return await set_credentials(session, key, kept, login, tax_number, secrets)

    view = committed(store, AccountError, NavCredentialsError)
    emit_either(view, as_json, lambda v: click.echo(f"NAV technical user kept: {_line(v)}"))


def _secret(env_name: str, prompt: str) -> str:
    if os.environ.get(env_name):
        return os.environ[env_name]
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True))
    raise click.UsageError(f"no {prompt.lower()}: set ${env_name} or run in a terminal")


def _line(view: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in view.items())


@credentials.command("show")
@click.argument("account")
@click.option("--json", "as_json", is_flag=True)
def credentials_show(account: str, as_json: bool) -> None:
    """ACCOUNT's technical user, secrets masked."""

    async def read(session: AsyncSession) -> dict[str, Any]:
        kept = await account_named(session, account)
        return masked(kept.name, await credentials_of(session, kept))

    emit_either(
        query(read, AccountError, NavCredentialsError), as_json, lambda v: click.echo(_line(v))
    )


@nav.command("check")
@click.argument("account")
def check(account: str) -> None:
    """A token exchange with ACCOUNT's technical user at NAV_URL: ok, or FAIL and why (exit 1)."""
    current = settings()

    async def user_of(session: AsyncSession) -> TechnicalUser:
        kept = await account_named(session, account)
        return technical_user(await credentials_of(session, kept), cipher(current))

    user = query(user_of, AccountError, NavCredentialsError)
    verdict, ok = run(lambda: _exchange(user, current.nav_url, current.nav_timeout_s))
    click.echo(verdict)
    if not ok:
        sys.exit(1)


async def _exchange(user: TechnicalUser, url: str, timeout_s: float) -> tuple[str, bool]:
    """The verdict of one token exchange (retried once), said in one line."""
    where = f"NAV at {url}, technical user {user.login} of {user.tax_number}"
    async with aiohttp.ClientSession() as http:
        client = HttpNavClient(
            user,
            software_of(settings()),
            http,
            NavEndpoint(url, min(timeout_s, 20.0)),
            Backoff(attempts=2, first_s=1.0),
        )
        try:
            await client.exchange_token()
        except NavRejected as exc:
            return f"FAIL {where}: refused ({exc}); fix with `shopsync nav credentials set`", False
        except NavError as exc:
            return f"FAIL {where}: NAV could not be asked ({exc})", False
    return f"ok   {where}: token exchange accepted and the token decrypted", True


@nav.command("resend")
@click.argument("document_id", type=int)
def resend_(document_id: int) -> None:
    """Send an aborted document to NAV again, as it stands now (after its cause is fixed)."""

    async def reopen() -> None:
        async with sessions_of(settings()) as sessions:
            await resend(SqlAlchemyNavReportStore(sessions), document_id)

    try:
        run(reopen)
    except NavResendRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"document {document_id} is pending: the nav-reporter sends it anew")
