"""Backoff for NAV calls NAV could not serve: doubling pauses, bounded attempts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from shopsync.domain.nav_errors import NavError, NavUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    """Up to `attempts` tries, pausing `first_s`, then twice as long each time, up to `cap_s`."""

    attempts: int = 5
    first_s: float = 1.0
    cap_s: float = 60.0

    def pauses(self) -> Iterator[float]:
        """The pause before each retry (attempts - 1 of them)."""
        for retry in range(self.attempts - 1):
            yield min(self.cap_s, self.first_s * 2**retry)


async def retrying(
    call: Callable[[], Awaitable[T]],
    backoff: Backoff,
    sleep: Sleep = asyncio.sleep,
    retry_on: tuple[type[NavError], ...] = (NavUnavailable,),
) -> T:
    """`call()`, tried again after each pause while it fails with one of `retry_on`."""
    for pause in backoff.pauses():
        try:
            return await call()
        except retry_on as exc:
            log.warning("NAV call failed (%s); retrying in %.1f s", exc, pause)
        await sleep(pause)
    return await call()
