"""The console's pure rules: login throttling, audit changes with masked secrets, how a tab's
form is read, and numbers and times in English and Hungarian."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.console.formats import moment, money, number
from services.console.setting_forms import changes_of, form_field
from shopsync.domain.audit import MASK, FieldChange, field_changes
from shopsync.domain.login_throttle import LoginThrottle

KEYS = ("address:10.0.0.1", "account:a@example.hu")


def test_a_few_failed_logins_cost_nothing_then_each_one_doubles_the_wait() -> None:
    throttle = LoginThrottle(free=3, first_wait_s=2)
    for second in range(3):
        assert throttle.wait_s(KEYS, second) == 0
        throttle.failed(KEYS, second)
    assert throttle.wait_s(KEYS, 2) == 2
    throttle.failed(KEYS, 4)
    assert throttle.wait_s(KEYS, 4) == 4


def test_failures_older_than_the_window_are_forgotten() -> None:
    throttle = LoginThrottle(free=1, window_s=60)
    throttle.failed(KEYS, 0)
    assert throttle.wait_s(KEYS, 1) > 0
    assert throttle.wait_s(KEYS, 61) == 0


def test_a_successful_login_forgets_the_account_but_not_the_address() -> None:
    throttle = LoginThrottle(free=1)
    throttle.failed(KEYS, 0)
    throttle.succeeded(KEYS[1])
    assert throttle.wait_s([KEYS[1]], 0) == 0
    assert throttle.wait_s([KEYS[0]], 0) > 0


def test_an_audit_change_lists_only_changed_fields_and_masks_secrets() -> None:
    before = {"orders_enabled": False, "api_secret": True, "path": "demo"}
    after = {"orders_enabled": True, "api_secret": "new secret", "path": "demo"}
    assert field_changes(before, after) == [
        FieldChange("orders_enabled", False, True),
        FieldChange("api_secret", MASK, MASK),
    ]


def test_a_tab_form_gives_only_what_the_operator_changed() -> None:
    current = {
        "orders_enabled": False,
        "orders_status_rules": {"1": "proforma"},
        "orders_cancel_status_ids": ["7"],
        "invoice_series": "INV",
    }
    form = {
        "orders_enabled": "on",
        "orders_status_rules": "1: proforma\n5=invoice",
        "orders_cancel_status_ids": "7",
        "invoice_series": "INV",
    }
    assert changes_of("orders", form, current) == {
        "orders_enabled": True,
        "orders_status_rules": {"1": "proforma", "5": "invoice"},
    }


def test_each_setting_gets_the_input_its_type_needs() -> None:
    assert form_field("orders_enabled").widget == "checkbox"
    assert form_field("orders_status_rules").widget == "mapping"
    assert form_field("stock_upload_warehouse_ids").widget == "list"
    assert form_field("stock_mode").choices == ("off", "download", "upload")
    assert form_field("products_interval_s").widget == "number"


def test_hungarian_numbers_group_with_spaces_and_use_a_decimal_comma() -> None:
    assert number(Decimal("1234567.5"), 2, language="hu") == "1\u202f234\u202f567,50"
    assert number(Decimal("1234567.5"), 2) == "1,234,567.50"
    assert money(Decimal("11206"), "HUF", language="hu") == "11\u202f206 Ft"
    assert money(Decimal("12.5"), "EUR") == "12.50 EUR"


def test_times_are_shown_on_budapest_clock() -> None:
    at = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert moment(at) == "2026-11-27 00:30"
    assert moment(at, language="hu") == "2026. 11. 27. 00:30"
