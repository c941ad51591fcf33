"""The shipped alert rules: valid for Prometheus, each tested by promtool firing and quiet, each
reading metrics our services expose and telling the operator what to run."""

from __future__ import annotations

from typing import Any

import yaml

from tests.metric_names import exposed_names, queried_names
from tests.promtool import run_promtool
from tests.support import ROOT

DEPLOY = ROOT / "deploy"
RULES = DEPLOY / "prometheus" / "alerts.yml"
RULE_TESTS = sorted((DEPLOY / "prometheus" / "tests").glob("*.yml"))
COMMAND_STARTS = ("`shopsync ", "`docker compose ", "`curl ")


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def rule_test_cases() -> list[dict[str, Any]]:
    cases = []
    for path in RULE_TESTS:
        for test in yaml.safe_load(path.read_text())["tests"]:
            cases.extend(test.get("alert_rule_test", []))
    return cases


def test_prometheus_accepts_the_scrape_config_and_the_rules_it_loads() -> None:
    checked = run_promtool("check", "config", DEPLOY / "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(alert_rules())} rules found" in checked.stdout


def test_every_alert_rule_passes_its_promtool_unit_tests() -> None:
    tested = run_promtool("test", "rules", *RULE_TESTS)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_is_tested_both_firing_and_quiet() -> None:
    cases = rule_test_cases()
    firing = {case["alertname"] for case in cases if case["exp_alerts"]}
    quiet = {case["alertname"] for case in cases if not case["exp_alerts"]}
    names = {rule["alert"] for rule in alert_rules()}
    assert (names - firing, names - quiet) == (set(), set())


def test_every_alert_reads_metrics_our_services_expose() -> None:
    exposed = exposed_names()
    unknown = {
        rule["alert"]: queried_names(rule["expr"]) - exposed
        for rule in alert_rules()
        if queried_names(rule["expr"]) - exposed
    }
    assert unknown == {}


def test_every_alert_says_what_happened_and_what_to_run() -> None:
    for rule in alert_rules():
        annotations = rule["annotations"]
        assert annotations["summary"] and rule["labels"]["severity"] in {"warning", "critical"}
        assert any(start in annotations["description"] for start in COMMAND_STARTS), rule["alert"]
