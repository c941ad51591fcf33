"""Whether a service can do its work now: its database, its broker, and what it reported.

`/readyz` answers 503 with the reasons while any check fails, so that an orchestrator (or
`shopsync up`) sees a worker that waits out an outage instead of one that looks fine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)
Probe = Callable[[], Awaitable[str | None]]  # None when fine, else what is wrong


class Readiness:
    """Problems a service reports about itself (say, "database: connection refused")."""

    def __init__(self, probes: dict[str, Probe] | None = None, every_s: float = 1.0) -> None:
        self._reported: dict[str, str] = {}
        self._probes = probes or {}
        self._every_s = every_s
        self._probed: dict[str, str] = {}
        self._probed_at = 0.0

    def problem(self, name: str, text: str) -> None:
        self._reported[name] = text[:300]

    def clear(self, name: str) -> None:
        self._reported.pop(name, None)

    async def problems(self) -> dict[str, str]:
        """What keeps the service from working; probes run at most once every `every_s`."""
        if time.monotonic() - self._probed_at >= self._every_s:
            await self._probe()
        return {**self._probed, **self._reported}

    async def _probe(self) -> None:
        self._probed_at = time.monotonic()
        found = await asyncio.gather(*(probe() for probe in self._probes.values()))
        self._probed = {n: p for n, p in zip(self._probes, found, strict=True) if p}


def database_probe(sessions: async_sessionmaker[AsyncSession], timeout_s: float = 2.0) -> Probe:
    async def probe() -> str | None:
        try:
            async with asyncio.timeout(timeout_s), sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure is the answer
            return f"{type(exc).__name__}: {exc}"[:300]
        return None

    return probe


def broker_probe(bootstrap: str, timeout_s: float = 1.0) -> Probe:
    """A TCP connection to a bootstrap server: a dead broker refuses it at once."""
    hosts = [h.strip() for h in bootstrap.split(",") if h.strip()]

    async def probe() -> str | None:
        for host in hosts:
            if await _accepts_connections(host, timeout_s):
                return None
        return f"no broker answers at {bootstrap}"

    return probe


async def _accepts_connections(host: str, timeout_s: float) -> bool:
    """Whether a TCP connection to `host` (port 9092 unless it names one) opens in time."""
    name, _, port = host.rpartition(":")
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(name or host, int(port or 9092))
        writer.close()
        return True
    return False


def service_readiness(
    sessions: async_sessionmaker[AsyncSession], bootstrap: str | None = None
) -> Readiness:
    """A service's database (and broker, when it uses one) as readiness probes."""
    probes = {"database": database_probe(sessions)}
    if bootstrap is not None:
        probes["broker"] = broker_probe(bootstrap)
    return Readiness(probes)


async def survived(readiness: Readiness, name: str, work: Awaitable[object]) -> None:
    """Run periodic work; a failure (an outage, say) is logged and reported, never fatal."""
    try:
        await work
    except Exception as exc:  # a timer that raises would stop the whole worker
        log.warning("%s failed, tried again on the next round: %r", name, exc)
        readiness.problem(name, f"{type(exc).__name__}: {exc}")
        return
    readiness.clear(name)
