"""The Prometheus counter every process that calls shops keeps of their 429 answers, by what
the requests were for (catalog, stock, the order poll, write-back), under one name so that one
alert rule sees them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from prometheus_client import CollectorRegistry, Counter

from shopsync.adapters.metric_set import Metric, build

#: What a process's requests to a shop are for.
ApiUse = Literal["catalog", "stock", "poll", "writeback"]


@dataclass(frozen=True)
class ShopApiMetrics:
    throttled: Annotated[
        Counter,
        Metric(
            "shopsync_shop_api_throttled_total",
            "Shoprenter 429 (too many requests) answers received, by what the requests were for",
            ["use"],
        ),
    ]

    def throttled_for(self, use: ApiUse) -> Counter:
        """The counter of one use, shown (at 0) from the start."""
        return self.throttled.labels(use=use)


def shop_api_metrics(registry: CollectorRegistry) -> ShopApiMetrics:
    return build(ShopApiMetrics, registry)
