"""A connection's tabs as forms: which settings each tab holds, how a field is typed in and
read back. What a value may be is decided by apply_settings, as for `shops set`."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from shopsync.service_layer.connection_settings import ConnectionSettings

TABS: dict[str, tuple[str, ...]] = {
    "orders": (
        "orders_enabled",
        "orders_auto_accept",
        "orders_status_rules",
        "orders_cancel_status_ids",
        "orders_default_kind",
        "orders_draft",
        "orders_email",
        "orders_stock_enabled",
        "orders_stock_warehouse_id",
        "orders_stock_on",
        "invoice_series",
        "proforma_series",
    ),
    "products": (
        "products_download_enabled",
        "products_download_price_group_id",
        "products_upload_enabled",
        "products_excluded_group_ids",
        "products_selling_price_group_id",
        "products_sale_price_group_id",
        "products_interval_s",
    ),
    "stock": (
        "stock_enabled",
        "stock_mode",
        "stock_download_warehouse_id",
        "stock_upload_warehouse_ids",
        "stock_field",
    ),
}
Widget = Literal["checkbox", "mapping", "list", "choice", "number", "text"]


@dataclass(frozen=True)
class FormField:
    """One setting as a form shows it."""

    name: str
    widget: Widget
    help: str
    choices: tuple[str, ...] = ()


def _inner(annotation: Any) -> Any:
    """The type without its `| None`."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def form_field(name: str) -> FormField:
    """How the setting is typed in, from its declared type."""
    field = ConnectionSettings.model_fields[name]
    kind = _inner(field.annotation)
    origin, help_text = typing.get_origin(kind), field.description or ""
    if kind is bool:
        return FormField(name, "checkbox", help_text)
    if origin is dict:
        return FormField(name, "mapping", help_text)
    if origin is list:
        return FormField(name, "list", help_text)
    if origin is Literal:
        return FormField(name, "choice", help_text, tuple(typing.get_args(kind)))
    return FormField(name, "number" if kind is int else "text", help_text)


def tab_fields(tab: str) -> list[FormField]:
    return [form_field(name) for name in TABS.get(tab, ())]


def shown(field: FormField, value: Any) -> str:
    """The current value as the form's input holds it."""
    if value is None:
        return ""
    if field.widget == "mapping":
        return "\n".join(f"{k}: {v}" for k, v in dict(value).items())
    if field.widget == "list":
        return ", ".join(str(v) for v in value)
    return str(value)


def typed_in(field: FormField, form: typing.Mapping[str, Any]) -> Any:
    """What the operator typed, as the change apply_settings checks (an empty box clears)."""
    raw = str(form.get(field.name, "")).strip()
    if field.widget == "checkbox":
        return field.name in form
    if field.widget == "mapping":
        pairs = (re.split(r"\s*[:=]\s*", line, maxsplit=1) for line in raw.splitlines())
        return {p[0]: (p[1] if len(p) > 1 else "") for p in pairs if p[0]}
    if field.widget == "list":
        return [part for part in re.split(r"[,\s]+", raw) if part]
    return raw or None


def _comparable(field: FormField, value: Any) -> Any:
    """A stored value as typed_in would give it back, to tell what the operator changed."""
    if field.widget == "checkbox":
        return bool(value)
    if field.widget == "mapping":
        return {str(k): str(v) for k, v in dict(value or {}).items()}
    if field.widget == "list":
        return [str(v) for v in value or []]
    return None if value is None else str(value)


def changes_of(
    tab: str, form: typing.Mapping[str, Any], current: typing.Mapping[str, Any]
) -> dict[str, Any]:
    """The tab's settings the operator changed (a box missing from the form is left alone;
    an unticked checkbox is sent by no browser, so it means off)."""
    changed = {}
    for field in tab_fields(tab):
        if field.widget != "checkbox" and field.name not in form:
            continue
        value = typed_in(field, form)
        if value != _comparable(field, current.get(field.name)):
            changed[field.name] = value
    return changed
