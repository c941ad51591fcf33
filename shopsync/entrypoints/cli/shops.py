"""`shopsync shops ...`: connect Shoprenter shops and switch their features."""

from __future__ import annotations

import click

from shopsync.entrypoints.cli.shop_connections import add, rotate
from shopsync.entrypoints.cli.shop_settings import disable, enable, set_
from shopsync.entrypoints.cli.shop_views import list_, show
from shopsync.entrypoints.cli.shop_webhooks import check, connect


@click.group("shops")
def shops() -> None:
    """Connect Shoprenter shops and switch their features on and off."""


for _command in (add, list_, show, set_, disable, enable, rotate, connect, check):
    shops.add_command(_command)
