"""The sandbox's `/orderInvoices` as Shoprenter's (api-notes §10.1): required fields, the type
enum, an existing order, `dateModified` with a space, and no filter but page and limit."""

from __future__ import annotations

from typing import Any

from devtools.sandbox.store import SandboxShop

INVOICE_TYPES = frozenset({"einvoice", "normal", "proforma", "storno", "correction"})
REQUIRED = ("invoiceId", "invoicePath", "invoiceType", "order")


def problem(shop: SandboxShop, fields: dict[str, Any], creating: bool) -> str | None:
    """Why Shoprenter would refuse this write of an order invoice, or None."""
    missing = [k for k in REQUIRED if creating and fields.get(k) in (None, "")]
    if missing:
        return f"The following fields are required: {', '.join(missing)}!"
    if "invoiceType" in fields and fields["invoiceType"] not in INVOICE_TYPES:
        return f"The given invoiceType is not available: {fields['invoiceType']}!"
    order = fields.get("order")
    if "order" in fields and order not in shop.table("orders").rows:
        return f"The given order resource id is wrong: {order}!"
    return None


def rendered(out: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the API shows it: its times with a space, `dateModified` for updated."""
    created, updated = out.pop("dateCreated", ""), out.pop("dateUpdated", "")
    out["dateCreated"] = str(created).replace("T", " ")
    out["dateModified"] = str(updated).replace("T", " ")
    return out
