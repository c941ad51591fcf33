"""deploy/prometheus.yml scrapes every service `shopsync up` runs, each under its own name."""

from __future__ import annotations

from shopsync.entrypoints.stack_plan import service_specs
from tests.prometheus_server import local_config, shipped_job_names
from tests.support import env_settings


def test_every_service_shopsync_up_runs_has_a_scrape_job_of_its_name_and_no_job_is_extra() -> None:
    services = {spec.name for spec in service_specs(env_settings())}
    assert sorted(shipped_job_names()) == sorted(services)


def test_the_local_config_keeps_the_shipped_jobs_and_rules_but_scrapes_the_given_ports() -> None:
    ports = {job: [9000 + n] for n, job in enumerate(shipped_job_names())}
    config = local_config(ports)
    jobs = config["scrape_configs"]
    scraped = {job["job_name"]: job["static_configs"][0]["targets"] for job in jobs}
    assert scraped == {job: [f"127.0.0.1:{port}"] for job, [port] in ports.items()}
    assert all(set(job) == {"job_name", "static_configs"} for job in jobs)
    assert config["rule_files"][0].endswith("/deploy/prometheus/alerts.yml")
    assert config["global"]["evaluation_interval"] == "1s"
