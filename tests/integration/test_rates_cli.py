"""`shopsync rates sync|list|set` against the MNB sandbox over real HTTP."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from devtools.mnb_sandbox.app import create_mnb_sandbox_app
from devtools.mnb_sandbox.table import MnbRateTable
from shopsync.entrypoints.cli.main import cli
from tests.support import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def served_table() -> Iterator[tuple[MnbRateTable, str]]:
    """The MNB sandbox on its own thread's loop (the CLI runs its own event loop)."""
    table, port, loop = MnbRateTable(), free_port(), asyncio.new_event_loop()
    runner = web.AppRunner(create_mnb_sandbox_app(table))
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield table, f"http://127.0.0.1:{port}/arfolyamok.asmx"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())
        loop.close()


def shopsync(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def test_rates_sync_fills_a_range_from_mnb_and_the_listing_shows_the_source(
    served_table: tuple[MnbRateTable, str], tmp_path: Path
) -> None:
    url = served_table[1]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "SHOPSYNC_VAR_DIR": str(tmp_path)}
    env["MNB_URL"] = url
    sync = ("rates", "sync", "--from", "2020-04-01", "--to", "2020-04-14", "--currency", "EUR,JPY")

    code, said = shopsync(env, *sync)

    assert code == 0, said
    assert "8 rates from MNB for EUR, JPY, 2020-04-01 to 2020-04-14" in said
    code, listing = shopsync(env, "rates")
    lines = listing.splitlines()
    assert lines[0].split() == ["CURRENCY", "DAY", "RATE", "SOURCE"]
    assert lines[1].split() == ["EUR", "2020-04-14", "351.75", "mnb"]
    assert not any("2020-04-1" + d in listing for d in "0123")  # Easter: nothing published

    # A rate typed in by hand for a day stays, however often MNB's are synced again.
    assert shopsync(env, "rates", "set", "EUR", "2020-04-14", "350", "--source", "bank")[0] == 0
    assert shopsync(env, *sync)[0] == 0
    code, listing = shopsync(env, "rates", "list", "--currency", "eur")
    assert listing.splitlines()[1].split() == ["EUR", "2020-04-14", "350", "bank"]


def test_rates_sync_says_in_one_line_when_mnb_cannot_be_reached(
    served_table: tuple[MnbRateTable, str], tmp_path: Path
) -> None:
    table, url = served_table
    table.fault = "error"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "SHOPSYNC_VAR_DIR": str(tmp_path)}

    code, said = shopsync(env | {"MNB_URL": url}, "rates", "sync", "--from", "2020-04-01")

    assert code == 1
    assert "MNB answered GetExchangeRates with HTTP 503" in said
    assert "Traceback" not in said
