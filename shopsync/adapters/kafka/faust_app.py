"""Building faust apps the same way for every worker service: short group timeouts, raw topics."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from prometheus_client import CollectorRegistry

from shopsync.adapters.health import Readiness
from shopsync.adapters.service_pages import (
    PageAnswer,
    health_answer,
    metrics_answer,
    readiness_answer,
)
from shopsync.settings import Settings


def broker_urls(bootstrap: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap.split(",") if host.strip()]


class _PromptConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """faust's aiokafka consumer with our fetch wait instead of its fixed 1,500 ms."""

    def _create_worker_consumer(
        self, transport: faust_aiokafka.Transport
    ) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # Read by AIOKafkaConsumer.start() when it builds its fetcher; faust offers no setting.
        consumer._fetch_max_wait_ms = cast(ShopSyncFaustApp, self.app).fetch_max_wait_ms
        return consumer


class _PromptConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _PromptConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _PromptTransport(faust_aiokafka.Transport):
    Consumer = _PromptConsumer


class ShopSyncFaustApp(faust.App):
    """A faust app whose consumer's fetch wait is configurable (KAFKA_FETCH_MAX_WAIT_MS)."""

    fetch_max_wait_ms: int = 100

    def _new_transport(self) -> Any:
        return _PromptTransport(self.conf.broker_consumer, self)


#: The same for every worker: quick group joins (short session timeouts), frequent commits,
#: acknowledgements from every replica, the web server on the worker's own loop.
FAUST_SETTINGS: dict[str, Any] = {
    "store": "memory://",
    "topic_allow_declare": True,
    "topic_disable_leader": False,
    "broker_session_timeout": 6.0,
    "broker_heartbeat_interval": 1.0,
    "broker_rebalance_timeout": 15.0,
    "broker_commit_every": 100,
    "broker_commit_interval": 1.0,
    "consumer_auto_offset_reset": "earliest",
    "producer_acks": -1,
    "web_enabled": True,
    "web_in_thread": False,
    "logging_config": None,
}


def create_faust_app(app_id: str, settings: Settings, web_port: int) -> faust.App:
    """A faust app on the kafka:// transport with short session timeouts (quick group joins)."""
    app = ShopSyncFaustApp(
        app_id,
        broker=broker_urls(settings.bootstrap_servers),
        topic_partitions=settings.topic_partitions,
        web_port=web_port,
        web_bind=settings.service_bind_host,
        web_host=settings.service_bind_host,
        datadir=_datadir(settings, app_id),
        **FAUST_SETTINGS,
    )
    app.fetch_max_wait_ms = settings.kafka_fetch_max_wait_ms
    return app


def _datadir(settings: Settings, app_id: str) -> str:
    """The worker's own directory under var/faust, created if need be."""
    name = app_id if settings.worker == 1 else f"{app_id}-{settings.worker}"
    datadir = Path(settings.var_dir) / "faust" / name
    datadir.mkdir(parents=True, exist_ok=True)
    return str(datadir)


def raw_topic(app: faust.App, name: str) -> Any:
    """A topic whose keys and values stay bytes: decoding and validation are ours."""
    return app.topic(
        name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )


def add_service_pages(
    app: faust.App, registry: CollectorRegistry, readiness: Readiness | None = None
) -> None:
    """/metrics, /healthz and /readyz (ready: partitions held, database and broker fine)."""

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        return _web_answer(web, metrics_answer(registry))

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return _web_answer(web, health_answer())

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        return _web_answer(web, await _readiness_page(app, readiness))


async def _readiness_page(app: faust.App, readiness: Readiness | None) -> PageAnswer:
    """Ready once this worker holds partitions and is not rebalancing, and its checks pass."""
    problems = await readiness.problems() if readiness is not None else {}
    assigned = len(app.consumer.assignment()) if app.consumer is not None else 0
    joining = "" if assigned and not app.rebalancing else "joining consumer group"
    return readiness_answer(problems, joining, partitions=assigned)


def _web_answer(web: Any, page: PageAnswer) -> Any:
    return web.bytes(page.body, status=page.status, headers={"Content-Type": page.content_type})


def run_worker(app: faust.App, log_level: str) -> None:
    """Run the faust worker in this process until SIGTERM/SIGINT."""
    from faust.worker import Worker

    worker = Worker(app, loglevel=log_level.lower(), quiet=True)
    if log_level.upper() != "DEBUG":
        _quiet_rebalance_chatter()
    worker.execute_from_commandline()


def _quiet_rebalance_chatter() -> None:
    # faust and aiokafka narrate every rebalance at INFO; ours stays at the chosen level.
    for noisy in ("faust", "mode", "aiokafka"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
