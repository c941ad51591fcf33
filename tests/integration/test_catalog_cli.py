"""Setting a catalog up from the CLI: products, warehouses, price groups, stock and orders shown."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet
from sqlalchemy import select

from shopsync.adapters.db.engine import create_engine, session_factory
from shopsync.adapters.db.models import OutboxMessage
from shopsync.entrypoints.cli.main import cli

pytestmark = pytest.mark.integration


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
        self.env = {
            "DATABASE_URL": self.url,
            "SHOPSYNC_SECRET_KEY": Fernet.generate_key().decode(),
            "SHOPSYNC_VAR_DIR": str(tmp_path),
        }
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True) -> Result:
        result = self.runner.invoke(cli, list(args), env=self.env)
        assert (result.exit_code == 0) == ok, result.output
        assert "Traceback" not in result.output
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").output)

    def outbox(self) -> list[dict[str, Any]]:
        async def go() -> list[str]:
            engine = create_engine(self.url)
            async with session_factory(engine)() as session:
                rows = (await session.execute(select(OutboxMessage.payload))).scalars().all()
            await engine.dispose()
            return list(rows)

        return [json.loads(p) for p in asyncio.run(go())]


@pytest.fixture
def shopsync(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_products_added_by_hand_get_prices_stock_and_a_catalog_change_event(
    shopsync: Cli,
) -> None:
    assert shopsync.json("warehouses", "add", "Fő raktár")["id"] >= 1
    shopsync("price-groups", "add", "Retail")
    added = shopsync.json(
        "products",
        "add",
        "TEA-1",
        "--name",
        "Green tea",
        "--vat-rate",
        "18",
        "--group",
        "Teas",
        "--net-price",
        "1000",
        "--price",
        "Retail=1290",
    )
    assert added == [{"sku": "TEA-1", "change": "created"}]
    shopsync("stock", "set", "TEA-1", "Fő raktár", "12")
    shown = shopsync.json("products", "show", "TEA-1")
    assert (shown["group"], shown["vat_rate"], shown["prices"]) == (
        "Teas",
        "18.0000",
        {"Retail": "1290.0000"},
    )
    assert shown["stock"] == {"Fő raktár": "12.000"}
    # SKU is the key: adding it again overwrites; the same again changes nothing.
    again = ["products", "add", "TEA-1", "--name", "Green tea 2", "--vat-rate", "18"]
    assert shopsync.json(*again) == [{"sku": "TEA-1", "change": "updated"}]
    assert shopsync.json(*again) == [{"sku": "TEA-1", "change": "unchanged"}]
    changes = [r for r in shopsync.outbox() if r["schema"] == "catalog-changes/v1"]
    assert [(c["sku"], c["change"], c["origin"]) for c in changes] == [
        ("TEA-1", "created", "local"),
        ("TEA-1", "updated", "local"),
    ]
    assert [p["sku"] for p in shopsync.json("products", "list")] == ["TEA-1"]


def test_a_price_for_a_price_group_that_does_not_exist_names_the_command_to_run(
    shopsync: Cli,
) -> None:
    result = shopsync(
        "products", "add", "X", "--name", "X", "--vat-rate", "27", "--price", "Gross=1", ok=False
    )
    assert "shopsync price-groups add 'Gross'" in result.output
    bad_rate = shopsync("products", "add", "X", "--name", "X", "--vat-rate", "20", ok=False)
    assert "one of 27, 18, 5, 0" in bad_rate.output


def test_a_csv_import_is_all_or_nothing_and_a_bad_row_is_named_by_its_line(
    shopsync: Cli, tmp_path: Path
) -> None:
    shopsync("price-groups", "add", "Retail")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sku,name,group,vat_rate,net_price,price:Retail\n"
        "A-1,Tulip,Flowers,27,1000,1200\n"
        "A-2,Rose,Flowers,27,abc,1500\n"
        "A-3,Lily,Flowers,12,900,\n",
        encoding="utf-8",
    )
    result = shopsync("products", "import", str(bad), ok=False)
    assert "line 3: net_price 'abc' is not a number" in result.output
    assert "line 4: vat_rate '12'" in result.output
    assert shopsync.json("products", "list") == []  # nothing of the file applied
    good = tmp_path / "good.csv"
    good.write_text(
        "sku,name,group,vat_rate,net_price,price:Retail\n"
        "A-1,Tulip,Flowers,27,1000,1200\n"
        'A-2,Rose,Flowers,5,"1500,50",1900\n',
        encoding="utf-8",
    )
    assert [r["change"] for r in shopsync.json("products", "import", str(good))] == ["created"] * 2
    rose = shopsync.json("products", "show", "A-2")
    assert (rose["net_price"], rose["prices"]) == ("1500.5000", {"Retail": "1900.0000"})


def test_stock_show_lists_levels_and_the_movements_that_made_them(shopsync: Cli) -> None:
    shopsync("warehouses", "add", "W1")
    shopsync("products", "add", "S-1", "--name", "Soap", "--vat-rate", "27")
    shopsync("stock", "set", "S-1", "W1", "5")
    shopsync("stock", "set", "S-1", "W1", "3")
    shown = shopsync.json("stock", "show", "S-1")
    assert shown["levels"] == {"W1": "3.000"}
    assert [(m["quantity"], m["reason"]) for m in shown["movements"]] == [
        ("-2.000", "manual"),
        ("5.000", "manual"),
    ]
    assert "no product with SKU 'NOPE'" in shopsync("stock", "show", "NOPE", ok=False).output


def test_a_new_connection_does_nothing_until_switched_on_and_says_how(shopsync: Cli) -> None:
    added = shopsync(
        "shops", "add", "myshop", "--path", "myshop", "--api-user", "u", "--api-secret", "p"
    )
    assert "every feature is off" in added.output
    assert "shopsync shops set myshop orders_enabled=true orders_auto_accept=true" in added.output
    shown = shopsync.json("shops", "show", "myshop")
    assert not any(
        shown[k]
        for k in (
            "orders_enabled",
            "orders_auto_accept",
            "products_download_enabled",
            "products_upload_enabled",
            "stock_enabled",
        )
    )
    refused = shopsync("shops", "set", "myshop", "orders_auto_accept=true", ok=False)
    assert "shopsync shops set myshop orders_cancel_status_ids=[7]" in refused.output
    # Status ids as numbers or strings alike.
    shopsync(
        "shops",
        "set",
        "myshop",
        "orders_cancel_status_ids=[7, '8']",
        "orders_status_rules={1: proforma}",
    )
    shopsync("shops", "set", "myshop", "orders_auto_accept=true", "orders_enabled=true")
    shown = shopsync.json("shops", "show", "myshop")
    assert shown["orders_cancel_status_ids"] == ["7", "8"]
    assert shown["orders_status_rules"] == {"1": "proforma"}


def test_stock_sync_switched_off_keeps_its_mode_and_is_switched_back_on(shopsync: Cli) -> None:
    shopsync("shops", "add", "s", "--path", "s", "--api-user", "u", "--api-secret", "p")
    hint = shopsync("shops", "set", "s", "stock_mode=download")
    assert "shopsync shops enable s --feature stock" in hint.output
    shopsync("shops", "enable", "s", "--feature", "stock")
    shopsync("shops", "disable", "s", "--feature", "stock")
    assert shopsync.json("shops", "show", "s")["stock_mode"] == "download"
    shopsync("shops", "enable", "s", "--feature", "stock")
    shown = shopsync.json("shops", "show", "s")
    assert (shown["stock_enabled"], shown["stock_mode"]) == (True, "download")


def test_shops_set_help_lists_every_setting(shopsync: Cli) -> None:
    from shopsync.service_layer.connection_settings import SETTING_FIELDS

    text = shopsync("shops", "set", "--help").output
    missing = [name for name in SETTING_FIELDS if name not in text]
    assert missing == []


def test_orders_show_of_an_unknown_order_says_so(shopsync: Cli) -> None:
    shopsync("shops", "add", "s", "--path", "s", "--api-user", "u", "--api-secret", "p")
    result = shopsync("orders", "show", "s", "404", ok=False)
    assert "no order '404' of 's' has reached ShopSync" in result.output


def test_mistakes_and_a_stopped_database_give_one_line_never_a_traceback(
    shopsync: Cli, tmp_path: Path
) -> None:
    import stat

    shopsync("shops", "add", "s", "--path", "s", "--api-user", "u", "--api-secret", "p")
    missing = shopsync("shops", "set", "s", "orders_stock_warehouse_id=999", ok=False)
    assert "orders_stock_warehouse_id: no such id [999]" in missing.output
    assert "shopsync warehouses list" in missing.output
    shopsync("warehouses", "add", "W")
    shopsync("products", "add", "S-1", "--name", "Soap", "--vat-rate", "27")
    assert "not a stock level" in shopsync("stock", "set", "S-1", "W", "NaN", ok=False).output
    assert shopsync.json("dlq", "list") == []  # from the database: no broker needed
    # Files under the data directory are the user's alone.
    assert stat.S_IMODE((tmp_path / "cli.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    shopsync.env["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/none"
    stopped = shopsync("shops", "list", ok=False)
    assert "the database cannot be used" in stopped.output and len(stopped.output.splitlines()) == 1
