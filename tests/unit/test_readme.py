"""The README tells a user what the code does."""

from __future__ import annotations

from shopsync.service_layer.connection_settings import SETTING_FIELDS
from tests.support import ROOT


def test_the_readme_lists_every_connection_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    assert [name for name in SETTING_FIELDS if f"`{name}`" not in readme] == []
