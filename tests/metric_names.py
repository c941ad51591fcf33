"""The metric names our services expose, and those a PromQL text queries: so that an alert or a
dashboard panel reading a metric nobody registers (a typo, a rename) fails a test, not at 3 am."""

from __future__ import annotations

import re
from typing import get_args

from prometheus_client import CollectorRegistry

from shopsync.adapters.kafka.ticks import SyncKind, tick_counters
from tests.support import ROOT

# A metric declared as a service's dataclass field: Annotated[Counter, Metric("name", ...)].
DECLARED = re.compile(r"Annotated\[\s*(Counter|Gauge|Histogram),\s*Metric\(\s*\"(\w+)\"")
SUFFIXES = {"Counter": [""], "Gauge": [""], "Histogram": ["_bucket", "_sum", "_count"]}
QUERIED = re.compile(r"\bshopsync_[a-z0-9_]+")


def declared_metrics() -> dict[str, str]:
    """Every metric declared with `Metric(...)` under shopsync/ and services/: name → kind."""
    found: dict[str, str] = {}
    for package in ("shopsync", "services"):
        for source in (ROOT / package).rglob("*.py"):
            for kind, name in DECLARED.findall(source.read_text()):
                found[name] = kind
    return found


def tick_metric_names() -> set[str]:
    """The counters every sync service keeps per tick kind (built, not declared as fields)."""
    names: set[str] = set()
    for kind in get_args(SyncKind):
        registry = CollectorRegistry()
        tick_counters(kind, registry)
        names |= {s.name for family in registry.collect() for s in family.samples}
    return {name for name in names if not name.endswith("_created")}


def exposed_names() -> set[str]:
    """The sample names a scrape of our services can return."""
    names = {
        _counted(name, kind) + suffix
        for name, kind in declared_metrics().items()
        for suffix in SUFFIXES[kind]
    }
    return names | tick_metric_names()


def _counted(name: str, kind: str) -> str:
    """prometheus_client exposes a counter declared without `_total` with it."""
    return name + "_total" if kind == "Counter" and not name.endswith("_total") else name


def queried_names(promql: str) -> set[str]:
    """Our metric names a PromQL expression reads."""
    return set(QUERIED.findall(promql))
