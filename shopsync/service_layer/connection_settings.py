"""Every setting `shops set` may change and what it means; unknown names, bad values refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shopsync.domain.nav_invoice import CustomerVatStatus, PaymentMethod, ZeroVatCase


def _status_text(value: object) -> object:
    # YAML reads `[7]` as numbers and `{1: proforma}` with number keys: status ids are text.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _number_text(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return value


#: A Shoprenter order status id, as a number or a string ("7" and 7 are the same status).
StatusId = Annotated[str, BeforeValidator(_status_text), Field(pattern=r"^[0-9]{1,20}$")]
#: A VAT rate in percent, kept as text (a JSON column holds it exactly).
VatRate = Annotated[
    str, BeforeValidator(_number_text), Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2})?$")
]
Series = Annotated[str, Field(pattern=r"^[A-Za-z0-9/_-]{1,20}$")]
Kind = Literal["invoice", "proforma"]


class ConnectionSettings(BaseModel):
    """The settings of a connection's tabs; each is optional in a change."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(None, description="the whole connection on or off")
    orders_enabled: bool | None = Field(None, description="order intake on (webhooks handled)")
    orders_auto_accept: bool | None = Field(
        None, description="issue documents by the status rules (needs cancellation statuses)"
    )
    orders_status_rules: dict[StatusId, Kind] | None = Field(
        None, description='status id → document, e.g. {"1": proforma, "5": invoice}'
    )
    orders_default_kind: Kind | None = Field(
        None, description="document for statuses without a rule (empty: none)"
    )
    orders_cancel_status_ids: list[StatusId] | None = Field(
        None, description="statuses that cancel the order, e.g. [7]"
    )
    orders_cancel_action: Literal["storno", "none"] | None = Field(
        None, description="on cancellation: storno the invoice, void drafts and proformas"
    )
    orders_draft: bool | None = Field(None, description="issue drafts (numbered when finalized)")
    orders_email: bool | None = Field(None, description="e-mail final documents as PDF")
    orders_stock_enabled: bool | None = Field(None, description="orders move stock by SKU")
    orders_stock_warehouse_id: int | None = Field(None, description="warehouse orders move")
    orders_stock_on: Literal["invoice", "first_document"] | None = Field(
        None, description="which document moves the stock: invoice, or the first (proforma)"
    )
    orders_extra_vat_rates: list[VatRate] | None = Field(
        None, description="VAT rates accepted besides 27, 18, 5, 0 (e.g. [19, 20] for OSS)"
    )
    orders_buyer_kind: Literal["private", "business"] | None = Field(
        None, description="override the buyer kind (empty: from the buyer's data)"
    )
    orders_reconcile_interval_s: int | None = Field(
        None,
        ge=10,
        le=86400,
        description="seconds between reconciliation polls of the shop's orders (default 300)",
    )
    writeback_enabled: bool | None = Field(
        None, description="write documents back onto the shop's orders (needs PUBLIC_BASE_URL)"
    )
    writeback_status_id: StatusId | None = Field(
        None,
        description="status set on the order after its invoice is written back (empty: none); "
        "intake ignores it",
    )
    invoice_series: Series | None = Field(None, description="invoice (and storno) number prefix")
    proforma_series: Series | None = Field(None, description="proforma number prefix")
    products_download_enabled: bool | None = Field(None, description="download the catalog")
    products_download_price_group_id: int | None = Field(
        None, description="price group the download updates"
    )
    products_upload_enabled: bool | None = Field(None, description="upload new/changed products")
    products_excluded_group_ids: list[int] | None = Field(
        None, description="product groups never uploaded"
    )
    products_selling_price_group_id: int | None = Field(None, description="selling price group")
    products_sale_price_group_id: int | None = Field(None, description="sale price group")
    products_interval_s: int | None = Field(
        None, ge=60, le=86400, description="seconds between catalog cycles (default 600)"
    )
    stock_enabled: bool | None = Field(None, description="stock sync on (in the chosen mode)")
    stock_mode: Literal["off", "download", "upload"] | None = Field(
        None, description="download into a warehouse, or upload the sum of warehouses"
    )
    stock_download_warehouse_id: int | None = Field(None, description="warehouse downloaded into")
    stock_upload_warehouse_ids: list[int] | None = Field(
        None, description="warehouses whose sum is uploaded"
    )
    stock_field: Literal["stock1", "stock2", "stock3", "stock4"] | None = Field(
        None, description="the shop's stock field written"
    )
    api_url: str | None = Field(None, description="API base URL override (a sandbox)")
    oauth_token_url: str | None = Field(None, description="OAuth token URL override")
    nav_customer_vat_status: CustomerVatStatus | None = Field(
        None, description="NAV customerVatStatus override"
    )
    nav_zero_vat_case: ZeroVatCase | None = Field(None, description="NAV case of 0 % lines")
    nav_payment_methods: dict[str, PaymentMethod] | None = Field(
        None, description="payment method name → NAV method"
    )
    payment_due_days: dict[str, Annotated[int, Field(ge=0, le=365)]] | None = Field(
        None,
        description="days to pay by payment method code, name or NAV method, e.g. "
        '{"BANK_TRANSFER": 8} (default: 8 for transfer, 0 otherwise)',
    )


SETTING_FIELDS = list(ConnectionSettings.model_fields)


def settings_help() -> str:
    """One line per setting, for `shops set --help` (click keeps `\\b` blocks as written)."""
    width = max(len(name) for name in SETTING_FIELDS)
    lines = [
        f"  {name:<{width}}  {field.description}"
        for name, field in ConnectionSettings.model_fields.items()
    ]
    return "\b\nSettings:\n" + "\n".join(lines)
