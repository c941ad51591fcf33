"""The children of `shopsync up`: started, their output relayed, waited for, stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass

import aiohttp

from shopsync.adapters.process import child_preexec

READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: tuple[str, ...]
    port: int
    ready_path: str = "/readyz"
    env: tuple[tuple[str, str], ...] = ()  # this child's own settings (a second worker's port)


async def spawn(spec: ServiceSpec, env: dict[str, str]) -> asyncio.subprocess.Process:
    env = {**env, **dict(spec.env)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shopsync.entrypoints.cli.main",
        *spec.command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        preexec_fn=child_preexec,
    )


#: Lines a second one child may print; past that (a broker gone: thousands of errors a
#: second) its lines are counted and the count told once a second.
LINES_PER_S = 20


@dataclass
class LineThrottle:
    """At most LINES_PER_S lines shown in each second; the rest only counted."""

    second: int
    shown: int = 0
    held: int = 0

    def tick(self, now: int) -> int:
        """Start second `now` if it is a new one; the lines held back in the one that ended."""
        if now == self.second:
            return 0
        held = self.held
        self.second, self.shown, self.held = now, 0, 0
        return held

    def admit(self) -> bool:
        """Whether one more line may be shown this second (if not, it is counted)."""
        if self.shown >= LINES_PER_S:
            self.held += 1
            return False
        self.shown += 1
        return True


async def pump(name: str, process: asyncio.subprocess.Process) -> None:
    """A child's output, prefixed with its name, at most LINES_PER_S lines a second."""
    assert process.stdout is not None
    throttle = LineThrottle(int(time.monotonic()))
    async for raw in process.stdout:
        line = raw.decode("utf-8", "replace").rstrip()
        if not line:
            continue
        _say_held(name, throttle.tick(int(time.monotonic())))
        if throttle.admit():
            print(f"{name:>15} | {line}", flush=True)
    _say_held(name, throttle.held)


def _say_held(name: str, held: int) -> None:
    if held:
        print(f"{name:>15} | ({held} more lines in that second, not shown)", flush=True)


async def wait_ready(specs: list[ServiceSpec], stop: asyncio.Event) -> bool:
    """Every service's readiness page answers 200 (children restart meanwhile if they exit)."""
    pending = {s.name: s for s in specs}
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while pending and time.monotonic() < deadline and not stop.is_set():
            for name, spec in list(pending.items()):
                if await _is_ready(http, spec):
                    print(f"{name} is ready", flush=True)
                    del pending[name]
            await asyncio.sleep(0.25)
    if pending and not stop.is_set():
        print(f"not ready in {READY_TIMEOUT_S:.0f} s: {', '.join(pending)}", flush=True)
    return not pending


async def _is_ready(http: aiohttp.ClientSession, spec: ServiceSpec) -> bool:
    """The service's readiness page answers 200 (no answer at all is a no)."""
    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
        async with http.get(f"http://127.0.0.1:{spec.port}{spec.ready_path}") as response:
            return response.status == 200
    return False


async def stop_all(
    processes: dict[str, asyncio.subprocess.Process], timeout_s: float = STOP_TIMEOUT_S
) -> None:
    """SIGTERM to every service at once; what has not stopped in `timeout_s` is killed."""
    running = {n: p for n, p in processes.items() if p.returncode is None}
    for process in running.values():
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
    if not running:
        return
    await asyncio.wait([asyncio.create_task(p.wait()) for p in running.values()], timeout=timeout_s)
    await _kill_stragglers(running, timeout_s)


async def _kill_stragglers(
    running: dict[str, asyncio.subprocess.Process], timeout_s: float
) -> None:
    for name, process in running.items():
        if process.returncode is None:
            print(f"{name} did not stop in {timeout_s:.0f} s: killing it", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
