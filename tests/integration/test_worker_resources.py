"""A worker's composition root owns its engine, HTTP session and producer, and closes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from services.catalog_sync.app import create_app as catalog_app
from shopsync.adapters.resources import WorkerResources
from shopsync.settings import Settings

pytestmark = pytest.mark.integration


def settings_in(folder: Path) -> Settings:
    return Settings.model_validate(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'r.db'}",
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "SHOPSYNC_VAR_DIR": str(folder),
        }
    )


async def test_resources_open_at_start_and_close_at_stop(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    resources = WorkerResources(settings)
    with pytest.raises(RuntimeError, match="opens when the worker starts"):
        _ = resources.http  # nothing is opened lazily on first use
    await resources.start()
    http = resources.http
    assert not http.closed
    async with resources.sessions() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    await resources.stop()
    assert http.closed
    with pytest.raises(RuntimeError):
        _ = resources.http
    assert resources.engine.pool.checkedout() == 0


def test_a_worker_app_starts_its_resources_before_its_agents(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    app = catalog_app(settings)
    # mode starts children in order (and stops them in reverse): resources come first,
    # ahead of the producer, consumer and agents the app adds when it starts.
    [first, *_] = app._children
    assert isinstance(first, WorkerResources)
