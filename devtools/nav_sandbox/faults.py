"""Which fault, if any, the sandbox plays on a request: counted ones first, then by chance."""

from __future__ import annotations

from typing import Any, Literal

from devtools.nav_sandbox.world import Faults, NavWorld

Fault = Literal["timeout", "server_error", "maintenance"]
_COUNTS: tuple[tuple[Fault, str, str], ...] = (
    ("timeout", "timeouts", "timeout_rate"),
    ("server_error", "server_errors", "server_error_rate"),
    ("maintenance", "maintenance", "maintenance_rate"),
)


def pick_fault(world: NavWorld, operation: str) -> Fault | None:
    """The fault this request gets (a counted one is used up), or None."""
    faults = world.faults
    if faults.operations and operation not in faults.operations:
        return None
    for fault, count, _ in _COUNTS:
        if getattr(faults, count) > 0:
            setattr(faults, count, getattr(faults, count) - 1)
            return fault
    draw = world.rng.random()
    for fault, _, rate in _COUNTS:
        draw -= getattr(faults, rate)
        if draw < 0:
            return fault
    return None


def faults_from(spec: dict[str, Any]) -> Faults:
    """Faults from the admin endpoint's JSON (unknown keys are a TypeError, said as 400)."""
    operations = frozenset(spec.pop("operations", ()) or ())
    return Faults(**spec, operations=operations)
