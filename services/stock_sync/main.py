"""Entry point: run one stock-sync worker."""

from __future__ import annotations

from services.stock_sync.app import create_app
from shopsync.adapters.kafka.faust_app import run_worker
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    run_worker(create_app(settings), settings.log_level)
