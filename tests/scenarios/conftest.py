"""Scenario suites (`make scenarios`): the e2e fixtures, for runs too slow for `make test`."""

from tests.e2e.conftest import databases, processes

__all__ = ["databases", "processes"]
