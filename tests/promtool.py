"""Prometheus's own checker for the tests of the shipped rules and dashboard queries."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT


@functools.cache
def _installed() -> tuple[str | None, str]:
    """promtool's path, installed by scripts/ensure-prometheus.sh when missing (as make test)."""
    found = shutil.which("promtool")
    if found is not None:
        return found, ""
    setup = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-prometheus.sh")], capture_output=True, text=True
    )
    return shutil.which("promtool"), setup.stderr.strip()


def promtool_path() -> str:
    """promtool, or the test skipped saying why it cannot be installed here."""
    found, why = _installed()
    if found is None:
        pytest.skip(f"promtool cannot be installed here: {why}")
    return found


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`promtool ARGS` run from the checkout, its output captured."""
    command = [promtool_path(), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
