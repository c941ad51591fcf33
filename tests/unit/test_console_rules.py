"""The console's pure rules: login throttling (over the stored failure times), audit changes
with masked secrets, how a tab's form is read, and numbers and times in English and Hungarian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.console.formats import moment, money, number
from services.console.setting_forms import changes_of, form_field
from shopsync.domain.audit import MASK, FieldChange, field_changes
from shopsync.domain.login_throttle import LoginThrottle

T0 = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def at(second: float) -> datetime:
    return T0 + timedelta(seconds=second)


def test_a_few_failed_logins_cost_nothing_then_each_one_doubles_the_wait() -> None:
    throttle = LoginThrottle(free=3, first_wait_s=2)
    failures: list[datetime] = []
    for second in range(3):
        assert throttle.wait_s([failures], at(second)) == 0
        failures.append(at(second))
    assert throttle.wait_s([failures], at(2)) == 2
    failures.append(at(4))
    assert throttle.wait_s([failures], at(4)) == 4
    assert throttle.wait_s([failures], at(7)) == 1


def test_failures_older_than_the_window_are_forgotten() -> None:
    throttle = LoginThrottle(free=1, window_s=60)
    assert throttle.wait_s([[at(0)]], at(1)) > 0
    assert throttle.wait_s([[at(0)]], at(61)) == 0
    assert throttle.counted_since(at(61)) == at(1)


def test_the_key_that_failed_most_sets_the_wait_and_no_wait_passes_the_longest() -> None:
    throttle = LoginThrottle(free=1, first_wait_s=2, longest_wait_s=60)
    address, account = [at(0)], [at(0), at(1)]
    assert throttle.wait_s([address, account], at(1)) == 4
    assert throttle.wait_s([[at(s) for s in range(30)]], at(29)) == 60
    assert throttle.wait_s([], at(0)) == 0


def test_stored_failures_count_the_same_in_any_order() -> None:
    throttle = LoginThrottle(free=2, first_wait_s=2)
    assert throttle.wait_s([[at(9), at(0), at(5)]], at(9)) == 4
    assert throttle.wait_s([[at(0), at(5), at(9)]], at(9)) == 4


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
