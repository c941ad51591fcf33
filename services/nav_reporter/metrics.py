"""nav-reporter's Prometheus metrics: reports by state, NAV's refusals, latency, the legal clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from prometheus_client import Counter, Gauge, Histogram

from shopsync.adapters.metric_set import Metric

#: At most this many distinct error codes get a label of their own (the rest: OTHER).
MAX_CODES = 30


@dataclass(frozen=True)
class NavMetrics:
    documents: Annotated[
        Gauge,
        Metric("shopsync_nav_documents", "Documents by NAV report state", ["state"]),
    ]
    aborted: Annotated[
        Gauge,
        Metric(
            "shopsync_nav_aborted_documents",
            "Documents NAV aborted (or ShopSync could not send), by error code",
            ["code"],
        ),
    ]
    submission_seconds: Annotated[
        Histogram,
        Metric(
            "shopsync_nav_submission_seconds",
            "From a report's submission to NAV's DONE or ABORTED",
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
        ),
    ]
    oldest_unreported: Annotated[
        Gauge,
        Metric(
            "shopsync_nav_oldest_unreported_seconds",
            "Age of the oldest invoice or storno not yet DONE at NAV (the legal clock)",
        ),
    ]
    finished: Annotated[
        Counter,
        Metric("shopsync_nav_reports_finished_total", "Reports finished, by state", ["state"]),
    ]
    recorded: Annotated[
        Counter,
        Metric(
            "shopsync_nav_reports_recorded_total",
            "Reports kept, by where they were heard of (event or sweep)",
            ["source"],
        ),
    ]
    step_failures: Annotated[
        Counter, Metric("shopsync_nav_step_failures_total", "Account steps that failed")
    ]
    dead_letters: Annotated[
        Counter,
        Metric("shopsync_nav_dead_letters_total", "Messages sent to the dead-letter topic"),
    ]


def code_label(code: str, known: set[str]) -> str:
    """A bounded label for an error code: NAV's codes as they are, at most MAX_CODES of them."""
    clean = code if re.fullmatch(r"[A-Z0-9_]{1,60}", code) else "OTHER"
    if clean not in known and len(known) >= MAX_CODES:
        return "OTHER"
    known.add(clean)
    return clean
