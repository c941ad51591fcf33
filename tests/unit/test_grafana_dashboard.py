"""The provisioned Grafana dashboard: valid JSON on the provisioned data source, every panel
querying metrics our services expose."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.metric_names import exposed_names, queried_names
from tests.promtool import run_promtool
from tests.support import ROOT

GRAFANA = ROOT / "deploy" / "grafana"


def dashboard() -> dict[str, Any]:
    return dict(json.loads((GRAFANA / "dashboards" / "shopsync.json").read_text()))


def query_panels() -> Iterator[dict[str, Any]]:
    for panel in dashboard()["panels"]:
        if panel["type"] != "row":
            yield panel


def test_every_panel_queries_the_provisioned_prometheus_data_source() -> None:
    source = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    uid = source["datasources"][0]["uid"]
    panels = list(query_panels())
    assert len(panels) >= 20
    for panel in panels:
        assert panel["title"] and panel["targets"], panel["id"]
        assert {t["datasource"]["uid"] for t in panel["targets"]} == {uid}, panel["title"]


def test_every_metric_the_dashboard_queries_is_one_our_services_expose() -> None:
    exposed = exposed_names()
    unknown = {
        panel["title"]: queried_names(target["expr"]) - exposed
        for panel in query_panels()
        for target in panel["targets"]
        if queried_names(target["expr"]) - exposed
    }
    assert unknown == {}


def test_every_dashboard_query_is_promql_prometheus_accepts(tmp_path: Path) -> None:
    # Each query as a recording rule, so that promtool parses it without a server; Grafana
    # replaces $__rate_interval before Prometheus sees it.
    rules = [
        {"record": f"panel_{panel['id']}_{target['refId']}", "expr": target["expr"]}
        for panel in query_panels()
        for target in panel["targets"]
    ]
    for rule in rules:
        rule["expr"] = rule["expr"].replace("$__rate_interval", "5m")
    queries = tmp_path / "queries.yml"
    queries.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = run_promtool("check", "rules", queries)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dashboard_shows_what_the_operator_watches() -> None:
    queried = set().union(
        *(queried_names(t["expr"]) for panel in query_panels() for t in panel["targets"])
    )
    watched = {
        "shopsync_gateway_requests_total",
        "shopsync_documents_total",
        "shopsync_orders_held_total",
        "shopsync_orders_held_waiting",
        "shopsync_dead_letters_waiting",
        "shopsync_order_dead_letters_total",
        "shopsync_catalog_cycle_seconds_bucket",
        "shopsync_catalog_cycles_total",
        "shopsync_shop_api_throttled_total",
        "shopsync_orders_recovered_total",
        "shopsync_orders_poll_lag_seconds",
        "shopsync_nav_documents",
    }
    assert watched - queried == set()


def test_panels_do_not_overlap_on_the_grid() -> None:
    cells: set[tuple[int, int]] = set()
    for panel in dashboard()["panels"]:
        grid = panel["gridPos"]
        mine = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not mine & cells and all(x < 24 for x, _ in mine), panel["title"]
        cells |= mine
