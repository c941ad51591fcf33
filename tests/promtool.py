"""Prometheus's own checker for the tests of the shipped rules and dashboard queries."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT


@functools.cache
def prometheus_tool(name: str) -> tuple[str | None, str]:
    """`promtool` or `prometheus`: its path, installed by scripts/ensure-prometheus.sh when
    missing (as make test does), and the installer's reason when it could not be."""
    found = shutil.which(name)
    if found is not None:
        return found, ""
    setup = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-prometheus.sh")], capture_output=True, text=True
    )
    return shutil.which(name), setup.stderr.strip()


def promtool_path() -> str:
    """promtool, or the test skipped saying why it cannot be installed here."""
    found, why = prometheus_tool("promtool")
    if found is None:
        pytest.skip(f"promtool cannot be installed here: {why}")
    return found


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`promtool ARGS` run from the checkout, its output captured."""
    command = [promtool_path(), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
