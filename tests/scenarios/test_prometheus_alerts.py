"""`make run`'s services under a real Prometheus with the shipped rules: every target is up, and
an order processor that hangs fires the service-down alert for its job, and for no other.

The processor is stopped with SIGSTOP, not killed: `shopsync up` starts a service that exits
again within a second, so a killed one is back long before the rule's minute is over. A stopped
process is what the alert exists for — alive to the supervisor, answering no scrape.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import Processes
from tests.prometheus_server import PrometheusApi, local_config, shipped_job_names, start_command
from tests.support import ROOT, free_port, wait_until

pytestmark = pytest.mark.scenario
#: Every port `shopsync up --demo` listens on (shopsync/entrypoints/stack_plan.py), each free.
PORT_SETTINGS = (
    "EMBEDDED_KAFKA_PORT",
    "GATEWAY_PORT",
    "ORDER_PROCESSOR_PORT",
    "ORDER_MAILER_PORT",
    "OUTBOX_RELAY_PORT",
    "CATALOG_SYNC_PORT",
    "STOCK_SYNC_PORT",
    "NAV_REPORTER_PORT",
    "CONSOLE_PORT",
    "SANDBOX_PORT",
    "NAV_SANDBOX_PORT",
)
#: A banner line `shopsync up` prints once ready; worker n of a service is `name-n`.
METRICS_LINE = re.compile(r"metrics:\s+http://127\.0\.0\.1:(\d+)/metrics\s+\((\S+?)(?:-\d+)?\)")
SERVICE_DOWN = "ShopSyncServiceDown"


@dataclass
class Stack:
    """`make run` as started: its environment, each job's metrics ports, its start time."""

    env: dict[str, str]
    ports: dict[str, list[int]]
    ready_s: float


def stack_env(tmp_path: Path) -> dict[str, str]:
    """The embedded default (SQLite under var/), every port free, a marker to find its pids."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    }
    env.update({setting: str(free_port()) for setting in PORT_SETTINGS})
    env["SHOPSYNC_VAR_DIR"] = str(tmp_path / "var")
    env["SHOPSYNC_E2E_MARKER"] = uuid.uuid4().hex
    return env


def banner(log: Path, make: subprocess.Popen[bytes]) -> str:
    """The ready banner, complete; empty while the stack starts; a failure if it stopped."""
    text = log.read_text(errors="replace")
    assert make.poll() is None, f"make run ended ({make.returncode}):\n{text[-4000:]}"
    ready = text.partition("ShopSync is ready")[2]
    return ready if "Ctrl-C stops everything." in ready else ""


def metrics_ports(ready: str) -> dict[str, list[int]]:
    """Each service's metrics ports as the banner prints them, by service (= job) name."""
    ports: dict[str, list[int]] = {}
    for port, name in METRICS_LINE.findall(ready):
        ports.setdefault(name, []).append(int(port))
    return ports


@pytest.fixture
def stack(tmp_path: Path, processes: Processes) -> Stack:
    env = stack_env(tmp_path)
    log_path = tmp_path / "make-run.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        make = processes.start(
            ["make", "--no-print-directory", "run"],
            env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # A generous bound, not a figure: CI shares two cores with the whole stack.
    ready = wait_until(lambda: banner(log_path, make), timeout_s=180, interval_s=0.5)
    return Stack(env, metrics_ports(ready), time.monotonic() - started)


def start_prometheus(
    processes: Processes, work: Path, ports: dict[str, list[int]]
) -> PrometheusApi:
    """Debian's prometheus on a free port, scraping the stack with the shipped rules."""
    config = work / "prometheus.yml"
    config.write_text(yaml.safe_dump(local_config(ports)))
    port = free_port()
    with (work / "prometheus.log").open("wb") as log:
        command = start_command(config, work, port)
        processes.start(command, dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    api = PrometheusApi(port)
    wait_until(api.ready, timeout_s=60, interval_s=0.25)
    return api


def jobs_up(api: PrometheusApi) -> set[str]:
    """Jobs all of whose targets Prometheus scraped last time."""
    targets = api.targets()
    down = {t["labels"]["job"] for t in targets if t["health"] != "up"}
    return {t["labels"]["job"] for t in targets} - down


def service_down_firing(api: PrometheusApi) -> set[str]:
    """Jobs the service-down alert is firing for."""
    return {
        alert["labels"]["job"]
        for alert in api.alerts()
        if alert["labels"]["alertname"] == SERVICE_DOWN and alert["state"] == "firing"
    }


def service_pid(marker: str, service: str) -> int:
    """The pid of the stack's child running `shopsync <service>` (its last argument); 0 while
    there is none (between a crash and its restart)."""
    found = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _started_by(entry, marker) and _args(entry)[-1:] == [service]
    ]
    assert len(found) <= 1, f"{service}: {found}"
    return found[0] if found else 0


def _started_by(entry: Path, marker: str) -> bool:
    with contextlib.suppress(OSError):
        return marker.encode() in (entry / "environ").read_bytes()
    return False


def _args(entry: Path) -> list[str]:
    with contextlib.suppress(OSError):
        return (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    return []


def supervisor_said(log: Path, service: str) -> str:
    """What `shopsync up` printed about a service (exits, restarts, kills), for a failure."""
    lines = log.read_text(errors="replace").splitlines()
    said = [line for line in lines if line.lstrip().startswith((service, "broker:"))]
    return "\n".join(said[-30:]) or "(nothing)"


def stopped(pid: int) -> bool:
    """The process is stopped by a signal (state T), not running, exiting or gone."""
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] == "T"
    return False


def settled_stopped(pid: int) -> bool:
    """After SIGSTOP: True once the process is stopped, False if it exited instead."""
    with contextlib.suppress(TimeoutError):
        wait_until(lambda: stopped(pid) or not Path(f"/proc/{pid}").exists(), timeout_s=5)
    return stopped(pid)


@contextlib.contextmanager
def hung(marker: str, service: str, log: Path) -> Iterator[int]:
    """The service's process (its group: `shopsync up` gives each child one) stopped, then let go.

    A process caught on its way out (it crashed, and `shopsync up` starts another) cannot be
    stopped: the one started in its place is. A stopped process is gone only if something
    SIGKILLed it: that fails with what the supervisor said.
    """
    pid = 0
    for _ in range(3):
        pid = wait_until(lambda: service_pid(marker, service), timeout_s=60, interval_s=0.5)
        os.killpg(pid, signal.SIGSTOP)
        if settled_stopped(pid):
            break
        print(f"\n{service} {pid} exited as it was stopped; stopping the next one")
    assert stopped(pid), f"{service} could not be stopped:\n{supervisor_said(log, service)}"
    try:
        yield pid
    finally:
        try:
            os.killpg(pid, signal.SIGCONT)
        except ProcessLookupError:
            pytest.fail(f"{service} {pid} vanished while stopped:\n{supervisor_said(log, service)}")


def test_prometheus_sees_every_service_up_and_a_hung_order_processor_alone_fires_service_down(
    stack: Stack, processes: Processes, tmp_path: Path
) -> None:
    assert sorted(stack.ports) == sorted(shipped_job_names())  # every service has its job
    api = start_prometheus(processes, tmp_path, stack.ports)
    started = time.monotonic()
    wait_until(lambda: jobs_up(api) == set(stack.ports), timeout_s=90, interval_s=0.5)
    all_up_s = time.monotonic() - started

    firing: set[str] = set()

    def processor_alert_firing() -> bool:
        firing.update(service_down_firing(api))
        return "order-processor" in firing

    marker, log = stack.env["SHOPSYNC_E2E_MARKER"], tmp_path / "make-run.log"
    with hung(marker, "order-processor", log):
        hung_at = time.monotonic()
        wait_until(lambda: "order-processor" not in jobs_up(api), timeout_s=30, interval_s=0.5)
        # The rule's `for: 1m` plus scrapes, evaluations and a loaded machine: generous.
        wait_until(processor_alert_firing, timeout_s=240, interval_s=1.0)
        firing_s = time.monotonic() - hung_at
    print(
        f"\nmake run ready in {stack.ready_s:.1f} s; every target up {all_up_s:.1f} s after"
        f" Prometheus started; service-down firing {firing_s:.1f} s after the processor hung"
    )
    assert firing == {"order-processor"}
    assert firing_s >= 60  # a blip shorter than the rule's minute pages nobody
