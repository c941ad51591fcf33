"""Entry point: run the NAV reporter."""

from __future__ import annotations

from services.nav_reporter.app import create_app
from shopsync.adapters.kafka.faust_app import run_worker
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    run_worker(create_app(settings), settings.log_level)
