"""docker-compose.yml agrees with the settings: images, ports, dependencies, environment."""

from __future__ import annotations

import re
from typing import Any

import yaml

from shopsync.settings import Settings
from tests.support import ROOT

SERVICES = {
    "gateway": "GATEWAY_PORT",
    "order-processor": "ORDER_PROCESSOR_PORT",
    "outbox-relay": "OUTBOX_RELAY_PORT",
    "catalog-sync": "CATALOG_SYNC_PORT",
    "stock-sync": "STOCK_SYNC_PORT",
}


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def known_env_names() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif alias is not None:
            names.update(str(choice) for choice in alias.choices)  # type: ignore[union-attr]
    return names


def test_compose_runs_kafka_in_kraft_mode_postgres_prometheus_and_the_four_services() -> None:
    services = compose()["services"]
    assert set(SERVICES) | {"kafka", "postgres", "prometheus"} <= set(services)
    kafka = services["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"] and "ZOOKEEPER" not in str(kafka).upper()
    for name in SERVICES:
        assert services[name]["command"] == [name]
        assert re.match(r"^[\w./-]+:[\w.-]+$", services[name]["image"])


def test_every_service_env_var_is_a_setting_and_ports_match_what_prometheus_scrapes() -> None:
    services = compose()["services"]
    known = known_env_names()
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    targets = {
        t
        for job in scrape["scrape_configs"]
        for c in job.get("static_configs", [])
        for t in c["targets"]
    } | {  # the scaled services: every replica found by name
        f"{n}:{c['port']}"
        for job in scrape["scrape_configs"]
        for c in job.get("dns_sd_configs", [])
        for n in c["names"]
    }
    for name, port_var in SERVICES.items():
        env = services[name]["environment"]
        assert set(env) <= known, set(env) - known
        assert f"{name}:{env[port_var]}" in targets
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert "@postgres:5432/" in env["DATABASE_URL"]


def test_services_wait_for_kafka_postgres_migrations_and_topics() -> None:
    services = compose()["services"]
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert {"kafka", "postgres", "migrate", "create-topics"} <= set(depends)
        for dependency in depends:
            assert dependency in services
    assert services["migrate"]["command"] == ["migrate"]
    assert services["create-topics"]["command"] == ["create-topics"]
    assert services["gateway"]["environment"]["GATEWAY_HOST"] == "0.0.0.0"


def test_kafka_listener_port_matches_the_bootstrap_servers() -> None:
    kafka = compose()["services"]["kafka"]["environment"]
    assert "PLAINTEXT://kafka:9092" in kafka["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_prometheus_loads_the_shipped_alert_rules_from_its_mounted_directory() -> None:
    volumes = compose()["services"]["prometheus"]["volumes"]
    mounts = dict(volume.removesuffix(":ro").split(":", 1) for volume in volumes)
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    assert mounts["./deploy/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    assert mounts["./deploy/prometheus"] == "/etc/prometheus/prometheus"
    # relative to the config file: the same path in the checkout and in the container
    assert scrape["rule_files"] == ["prometheus/alerts.yml"]
    assert (ROOT / "deploy" / "prometheus" / "alerts.yml").is_file()


def test_grafana_is_pinned_on_port_3000_with_its_provisioning_and_no_default_password() -> None:
    grafana = compose()["services"]["grafana"]
    assert re.match(r"^grafana/grafana-oss:\d+\.\d+\.\d+$", grafana["image"])
    assert "3000:3000" in grafana["ports"] and "prometheus" in grafana["depends_on"]
    mounts = dict(v.removesuffix(":ro").split(":", 1) for v in grafana["volumes"])
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/dashboards/shopsync.yml").read_text()
    )["providers"][0]
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert ":?" in grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"]


def test_the_partitioned_workers_run_as_replicas_and_each_replica_is_scraped() -> None:
    services = compose()["services"]
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    discovered = {
        job["job_name"]: job for job in scrape["scrape_configs"] if "dns_sd_configs" in job
    }
    for name in ("order-processor", "catalog-sync", "stock-sync"):
        assert "replicas" in services[name]["deploy"]
        assert discovered[name]["dns_sd_configs"][0]["names"] == [name]
