"""`shopsync nav credentials set|show`, `nav check` and `documents show` against the NAV sandbox."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner
from cryptography.fernet import Fernet

from devtools.nav_sandbox.app import create_nav_sandbox_app
from devtools.nav_sandbox.world import NavWorld
from shopsync.domain.nav_reporting import TechnicalUser
from shopsync.entrypoints.cli.main import cli
from tests.support import free_port

pytestmark = pytest.mark.integration
USER = TechnicalUser(
    "clitechuser01", "12345678", "Jelszó-123", "sign-key-0123456789", "EXCHANGEKEY12345"
)
SECRETS = {
    "NAV_PASSWORD": USER.password,
    "NAV_SIGNING_KEY": USER.signing_key,
    "NAV_EXCHANGE_KEY": USER.exchange_key,
}


@pytest.fixture
def nav_url() -> Iterator[str]:
    """The NAV sandbox on its own thread's loop (the CLI runs its own event loop)."""
    world, port, loop = NavWorld(), free_port(), asyncio.new_event_loop()
    world.add_user(USER)
    runner = web.AppRunner(create_nav_sandbox_app(world))
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/invoiceService/v3"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())
        loop.close()


@pytest.fixture
def env(tmp_path: Path, nav_url: str) -> dict[str, str]:
    base = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
        "SHOPSYNC_VAR_DIR": str(tmp_path),
        "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
        "NAV_URL": nav_url,
    }
    code, said = shopsync(
        base, "account", "set", "kft", "--name", "Kft.", "--tax-number", "12345678-2-41"
    )
    assert code == 1 and "no account" in said  # accounts come with their first shop
    return base


def shopsync(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def with_account(env: dict[str, str]) -> None:
    code, said = shopsync(
        env | {"SHOPRENTER_API_SECRET": "x"},
        "shops",
        "add",
        "bolt",
        "--account",
        "kft",
        "--path",
        "bolt",
        "--api-user",
        "u",
    )
    assert code == 0, said


def test_credentials_are_kept_encrypted_shown_masked_and_checked_live_with_a_clear_verdict(
    env: dict[str, str], tmp_path: Path
) -> None:
    with_account(env)
    code, said = shopsync(
        env | SECRETS,
        "nav",
        "credentials",
        "set",
        "kft",
        "--login",
        USER.login,
        "--tax-number",
        "12345678-2-41",
    )
    assert code == 0, said
    code, shown = shopsync(env, "nav", "credentials", "show", "kft")
    assert code == 0 and USER.login in shown and "12345678" in shown
    for secret in SECRETS.values():
        assert secret not in said and secret not in shown
        assert secret.encode() not in (tmp_path / "n.db").read_bytes()

    code, verdict = shopsync(env, "nav", "check", "kft")
    assert code == 0, verdict
    assert verdict.startswith("ok") and "token exchange accepted" in verdict


def test_a_wrong_password_fails_the_check_with_nav_s_code_and_the_fix(env: dict[str, str]) -> None:
    with_account(env)
    wrong = SECRETS | {"NAV_PASSWORD": "not-the-password"}
    args = ("nav", "credentials", "set", "kft", "--login", USER.login, "--tax-number", "12345678")
    assert shopsync(env | wrong, *args)[0] == 0

    code, verdict = shopsync(env, "nav", "check", "kft")

    assert code == 1
    assert verdict.startswith("FAIL") and "INVALID_SECURITY_USER" in verdict
    assert "nav credentials set" in verdict and "not-the-password" not in verdict


def test_credentials_without_secrets_or_of_an_unknown_account_are_refused_in_one_line(
    env: dict[str, str],
) -> None:
    args = ("nav", "credentials", "set", "kft", "--login", USER.login, "--tax-number", "12345678")
    code, said = shopsync(env | SECRETS, *args)
    assert code == 1 and "no account named 'kft'" in said
    with_account(env)
    code, said = shopsync(env, *args)
    assert code == 2 and "NAV_PASSWORD" in said
    code, said = shopsync(env | SECRETS | {"NAV_EXCHANGE_KEY": "short"}, *args)
    assert code == 1 and "16 characters" in said
