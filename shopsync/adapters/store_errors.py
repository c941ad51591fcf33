"""The two ways a store fails that are nobody's event's fault: it is down, or it was busy."""

from __future__ import annotations


class Outage(Exception):
    """The store cannot be reached or used: nobody's fault, the work must wait."""


class Conflict(Exception):
    """Another worker changed the same rows at the same time: trying again resolves it."""
