"""A real Prometheus for the tests: Debian's server, the shipped rules, our services' ports."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.promtool import prometheus_tool
from tests.support import ROOT

SHIPPED_CONFIG = ROOT / "deploy" / "prometheus.yml"
#: Short enough that a test waits on the rules' own `for:`, not on Prometheus's defaults.
LOCAL_GLOBAL = {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"}


def prometheus_path() -> str:
    """The prometheus server, or the test skipped saying why it cannot be installed here."""
    found, why = prometheus_tool("prometheus")
    if found is None:
        pytest.skip(f"the prometheus server cannot be installed here: {why}")
    return found


def shipped_job_names() -> list[str]:
    """The scrape jobs deploy/prometheus.yml defines, in its order."""
    shipped = yaml.safe_load(SHIPPED_CONFIG.read_text())
    return [job["job_name"] for job in shipped["scrape_configs"]]


def local_config(ports: dict[str, list[int]]) -> dict[str, Any]:
    """The shipped config with its rules and jobs, each job scraping 127.0.0.1 at its ports."""
    shipped = yaml.safe_load(SHIPPED_CONFIG.read_text())
    rules = [str((SHIPPED_CONFIG.parent / path).resolve()) for path in shipped["rule_files"]]
    return {
        "global": LOCAL_GLOBAL,
        "rule_files": rules,
        "scrape_configs": [
            _local_job(job, ports[job["job_name"]]) for job in shipped["scrape_configs"]
        ],
    }


def _local_job(job: dict[str, Any], ports: list[int]) -> dict[str, Any]:
    """The job as shipped (relabelling, paths), its discovery replaced by static local targets."""
    kept = {key: value for key, value in job.items() if not _is_discovery(key)}
    return {**kept, "static_configs": [{"targets": [f"127.0.0.1:{port}" for port in ports]}]}


def _is_discovery(key: str) -> bool:
    return key == "static_configs" or key.endswith("_sd_configs")


def start_command(config: Path, work: Path, port: int) -> list[str]:
    """Prometheus on 127.0.0.1:port with its config and a TSDB of its own under `work`."""
    return [
        prometheus_path(),
        f"--config.file={config}",
        f"--storage.tsdb.path={work / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]


class PrometheusApi:
    """Prometheus's HTTP API as a person would read it: targets' health and alerts' states."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def targets(self) -> list[dict[str, Any]]:
        """Every active target: its labels (job, instance), health and last error."""
        return list(self._get("/api/v1/targets?state=active")["activeTargets"])

    def alerts(self) -> list[dict[str, Any]]:
        """Every pending or firing alert: its labels and state."""
        return list(self._get("/api/v1/alerts")["alerts"])

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=5) as response:
            answer = json.loads(response.read())
        assert answer["status"] == "success", answer
        return answer["data"]
