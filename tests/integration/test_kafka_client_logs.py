"""librdkafka's complaints reach Python logging as records, not raw lines on stderr."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shopsync.adapters.kafka.producer import AsyncProducer, BrokerUnavailable, producer_config
from tests.support import free_port

pytestmark = pytest.mark.integration


async def test_an_unreachable_broker_is_logged_as_a_record_not_a_raw_stderr_line(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.WARNING, logger="shopsync.adapters.kafka.librdkafka")
    producer = AsyncProducer(producer_config(f"127.0.0.1:{free_port()}", 1000))
    try:
        with pytest.raises(BrokerUnavailable):
            await producer.send("t", b"k", b"v")
        await asyncio.sleep(0.2)
    finally:
        await asyncio.to_thread(producer.close, 0.5)
    refused = [r for r in caplog.records if "Connection refused" in r.getMessage()]
    assert refused and refused[0].name == "shopsync.adapters.kafka.librdkafka"
    assert refused[0].levelno >= logging.WARNING
    assert "|FAIL|" not in capfd.readouterr().err
