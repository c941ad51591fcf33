"""When `shopsync up` restarts a child that exited, and when it gives up (no I/O here)."""

from __future__ import annotations

import signal
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RestartPolicy:
    """Restart after a growing pause; more than `max_restarts` exits in `window_s`: give up."""

    window_s: float = 60.0
    max_restarts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    exits: deque[float] = field(default_factory=deque)

    def after_exit(self, now: float) -> float | None:
        """The pause before the next start, or None when the child fails too often."""
        self.exits.append(now)
        while self.exits and self.exits[0] < now - self.window_s:
            self.exits.popleft()
        if len(self.exits) > self.max_restarts:
            return None
        return min(self.base_delay_s * float(2 ** (len(self.exits) - 1)), self.max_delay_s)

    @property
    def recent(self) -> int:
        return len(self.exits)


def exit_reason(returncode: int | None) -> str:
    """`exited with code 1`, `was killed by SIGKILL`."""
    if returncode is None:
        return "stopped"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def giving_up(name: str, why: str, policy: RestartPolicy) -> str:
    """What is said when a child failed too often to be started again."""
    return (
        f"{name} {why}; it failed {policy.recent} times in {policy.window_s:.0f} s: "
        "stopping the stack"
    )


def restarting(name: str, why: str, delay: float, policy: RestartPolicy) -> str:
    """What is said when a child exited and is started again after `delay` seconds."""
    return (
        f"{name} {why}; restarting in {delay:.1f} s "
        f"(exit {policy.recent} in the last {policy.window_s:.0f} s)"
    )
