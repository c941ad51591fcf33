"""A connection row's order-intake settings as the domain's OrderRules."""

from __future__ import annotations

from decimal import Decimal

from shopsync.adapters.db.models import ShopConnection
from shopsync.domain.documents import DocumentKind
from shopsync.domain.order_rules import CancelAction, OrderRules, StockOn, StockRule
from shopsync.domain.vat import STANDARD_VAT_RATES


def rules_of(connection: ShopConnection) -> OrderRules:
    """What the order lifecycle needs of this connection (status ids compared as text)."""
    default = connection.orders_default_kind
    return OrderRules(
        intake=connection.enabled and connection.orders_enabled,
        auto_accept=connection.orders_auto_accept,
        status_kinds=_status_kinds(connection),
        other_statuses=DocumentKind(default) if default else None,
        cancel_statuses=frozenset(str(s) for s in connection.orders_cancel_status_ids or []),
        cancel_action=CancelAction(connection.orders_cancel_action),
        draft=connection.orders_draft,
        email=connection.orders_email,
        stock=_stock_rule(connection),
        invoice_series=connection.invoice_series,
        proforma_series=connection.proforma_series,
        buyer_kind=connection.orders_buyer_kind,
        vat_rates=_vat_rates(connection),
        writeback_status=connection.writeback_status_id,
    )


def _status_kinds(connection: ShopConnection) -> dict[str, DocumentKind]:
    rules = connection.orders_status_rules or {}
    return {str(status): DocumentKind(kind) for status, kind in rules.items()}


def _stock_rule(connection: ShopConnection) -> StockRule | None:
    """Where orders move stock, and on which document; None: orders move no stock."""
    warehouse = connection.orders_stock_warehouse_id
    if not connection.orders_stock_enabled or warehouse is None:
        return None
    return StockRule(warehouse, StockOn(connection.orders_stock_on))


def _vat_rates(connection: ShopConnection) -> frozenset[Decimal]:
    """The standard rates and the connection's extra ones (OSS rates, say)."""
    extra = (Decimal(r) for r in connection.orders_extra_vat_rates or [])
    return frozenset((*STANDARD_VAT_RATES, *extra))
