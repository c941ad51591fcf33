"""Entry point: run one order processor worker."""

from __future__ import annotations

import gc

from services.order_processor.app import create_app
from shopsync.adapters.kafka.faust_app import run_worker
from shopsync.settings import Settings


def run(settings: Settings) -> None:
    app = create_app(settings)
    # faust, SQLAlchemy and the models are a large long-lived heap: frozen, full collections
    # stop walking it (they had reached 330 ms, straight into the latency tail).
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    run_worker(app, settings.log_level)
