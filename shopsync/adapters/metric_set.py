"""Declaring a service's Prometheus metrics as annotated dataclass fields, registered in one go
on the registry its composition root owns:

    @dataclass(frozen=True)
    class GatewayMetrics:
        requests: Annotated[Counter, Metric("shopsync_gateway_requests_total", "...", ["outcome"])]

    metrics = build(GatewayMetrics, registry)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_type_hints

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
Collector = Counter | Gauge | Histogram


@dataclass(frozen=True)
class Metric:
    """One metric's name, help text, labels and (histograms only) buckets."""

    name: str
    doc: str
    labels: Sequence[str] = ()
    buckets: Sequence[float] | None = None

    def register(self, kind: type[Collector], registry: CollectorRegistry) -> Collector:
        options: dict[str, Any] = {} if self.buckets is None else {"buckets": self.buckets}
        return kind(self.name, self.doc, list(self.labels), registry=registry, **options)


def build(metrics_class: type[T], registry: CollectorRegistry) -> T:
    """Register every field of `metrics_class` on `registry`, in declaration order."""
    hints = get_type_hints(metrics_class, include_extras=True)
    return metrics_class(
        **{f.name: _register(hints[f.name], registry) for f in fields(metrics_class)}
    )


def _register(hint: Any, registry: CollectorRegistry) -> Collector:
    kind, spec = get_args(hint)  # Annotated[Counter, Metric(...)]
    assert isinstance(spec, Metric), f"{hint} declares no Metric"
    return spec.register(kind, registry)
