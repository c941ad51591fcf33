"""Entry point: run one order processor worker."""

from __future__ import annotations

from services.order_processor.app import create_app
from shopsync.kafka.faust_app import run_worker
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    run_worker(create_app(settings), settings.log_level)
